package sec.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sec.jobs.PipelineFixture.BUNDLE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sec.devkit.EmbeddedKafka;
import sec.connectors.KafkaSettings;
import sec.inference.decode.SpeculationConfig;
import sec.schemas.AudioFrame;
import sec.schemas.EmotionCaption;

/**
 * The edge job stopped mid-call and restored into a fresh MiniCluster (the cloud job runs on its
 * own cluster throughout, as it would in production). With the KV cache checkpointed, the job is
 * cancelled hard and restored from its last retained checkpoint (what a crash looks like: the
 * records since that checkpoint are replayed, and captions written since sit in aborted
 * transactions); without it, the job stops with a savepoint and the restore rebuilds each cache by
 * a prefill. Either way a read_committed reader sees exactly one caption per utterance, equal to
 * what the inference core (and so an uninterrupted run) produces.
 */
class RestoreITCase {
    private static final SpeculationConfig SPEC = SpeculationConfig.defaults();
    private static EmbeddedKafka kafka;
    private static MiniCluster cloudCluster;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        cloudCluster = PipelineFixture.miniCluster();
    }

    @AfterAll
    static void stop() throws Exception {
        cloudCluster.close();
        kafka.close();
    }

    private static StreamGraph edgeJob(KafkaSettings settings, Path checkpoints, boolean kvCache, String restoreFrom) {
        return edgeJob(settings, checkpoints, kvCache, restoreFrom, 1);
    }

    private static StreamGraph edgeJob(KafkaSettings settings, Path checkpoints, boolean kvCache, String restoreFrom,
            int parallelism) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        EdgeCaptionJob.kafka(env, PipelineFixture.jobs(settings, "drafter.kv-cache.checkpoint", String.valueOf(kvCache)));
        return env.getStreamGraph();
    }

    /** The cloud job at parallelism 1, on its own cluster for the whole test: it answers whichever edge job runs. */
    private static org.apache.flink.streaming.api.graph.StreamGraph cloudJob(KafkaSettings settings) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        CloudVerifyJob.kafka(env, PipelineFixture.jobs(settings), null);
        return env.getStreamGraph();
    }

    @ParameterizedTest(name = "drafter.kv-cache.checkpoint: {0}")
    @ValueSource(booleans = {true, false})
    void aRestoreMidCallLosesAndDuplicatesNothing(boolean kvCache, @TempDir Path dir) throws Exception {
        KafkaSettings settings = PipelineFixture.freshTopics(kafka);
        Map<String, List<AudioFrame>> calls = PipelineFixture.calls("call-03-en.wav", "call-08-zh.wav");
        Map<String, long[]> expected = PipelineFixture.coreCaptions(calls, SPEC);

        JobID cloud = cloudCluster.submitJob(cloudJob(settings)).get().getJobID();
        try {
            // First half of every call, then stop the edge mid-call once some captions are committed.
            long half = 20_000;
            Path checkpoints = dir.resolve("checkpoints");
            String restoreFrom;
            try (MiniCluster first = PipelineFixture.miniCluster()) {
                JobID edge = first.submitJob(edgeJob(settings, checkpoints, kvCache, null)).get().getJobID();
                PipelineFixture.produce(settings, calls, f -> f.getStartMs() < half);
                Map<String, List<EmotionCaption>> early = PipelineFixture.committedCaptions(settings, 3, Duration.ofMinutes(2));
                assertTrue(early.size() >= 3 && early.size() < expected.size(), "stopped mid-call: " + early.size() + " captions");
                if (kvCache) {
                    Thread.sleep(700); // a checkpoint or two beyond the first captions
                    first.cancelJob(edge).get();
                    PipelineFixture.waitFor(first, edge, JobStatus.CANCELED);
                    restoreFrom = latestCheckpoint(checkpoints);
                } else {
                    restoreFrom = PipelineFixture.stopWithSavepoint(first, edge, dir.resolve("savepoints"));
                }
            }
            long bytes;
            try (Stream<Path> files = Files.walk(Path.of(restoreFrom.replace("file:", "")))) {
                bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
            System.out.printf("edge job %s (kv-cache.checkpoint=%s): %d bytes on disk%n",
                    kvCache ? "checkpoint" : "savepoint", kvCache, bytes);

            // The rest of every call arrives while the edge is down; a fresh cluster restores and finishes.
            PipelineFixture.produce(settings, calls, f -> f.getStartMs() >= half);
            try (MiniCluster second = PipelineFixture.miniCluster()) {
                JobID edge = second.submitJob(edgeJob(settings, checkpoints, kvCache, restoreFrom)).get().getJobID();
                Map<String, List<EmotionCaption>> got = PipelineFixture.committedCaptions(settings, expected.size(), Duration.ofMinutes(4));
                PipelineFixture.assertOneCaptionEachEqualToTheCore(expected, got);
                second.cancelJob(edge).get();
            }
        } finally {
            cloudCluster.cancelJob(cloud).get();
        }
    }

    /**
     * Rescaled twice mid-call through savepoints: parallelism 2, then 4, then 1, each restore on a
     * fresh cluster while the calls go on. The segmenter's and the drafter's keyed state (open
     * utterances, KV caches, baselines) and the Kafka source's splits move; a read_committed reader
     * sees one caption per utterance, the core's.
     */
    @org.junit.jupiter.api.Test
    void rescaledFrom2To4To1MidCallLosesAndDuplicatesNothing(@TempDir Path dir) throws Exception {
        KafkaSettings settings = PipelineFixture.freshTopics(kafka);
        Map<String, List<AudioFrame>> calls = PipelineFixture.calls("call-01-en.wav", "call-06-zh.wav");
        Map<String, long[]> expected = PipelineFixture.coreCaptions(calls, SPEC);
        JobID cloud = cloudCluster.submitJob(cloudJob(settings)).get().getJobID();
        try {
            Path checkpoints = dir.resolve("checkpoints");
            long[] cuts = {12_000, 24_000, Long.MAX_VALUE};
            int[] parallelism = {2, 4, 1};
            String restoreFrom = null;
            for (int step = 0; step < 3; step++) {
                long from = step == 0 ? Long.MIN_VALUE : cuts[step - 1];
                long to = cuts[step];
                try (MiniCluster c = PipelineFixture.miniCluster(4)) {
                    JobID edge = c.submitJob(edgeJob(settings, checkpoints, true, restoreFrom, parallelism[step])).get().getJobID();
                    PipelineFixture.produce(settings, calls, f -> f.getStartMs() >= from && f.getStartMs() < to);
                    if (step < 2) {
                        int atLeast = 2 * (step + 1);
                        Map<String, List<EmotionCaption>> sofar = PipelineFixture.committedCaptions(settings, atLeast, Duration.ofMinutes(2));
                        assertTrue(sofar.size() >= atLeast && sofar.size() < expected.size(), "mid-call: " + sofar.size() + " captions");
                        restoreFrom = PipelineFixture.stopWithSavepoint(c, edge, dir.resolve("savepoints-" + step));
                    } else {
                        Map<String, List<EmotionCaption>> got = PipelineFixture.committedCaptions(settings, expected.size(),
                                Duration.ofMinutes(4));
                        PipelineFixture.assertOneCaptionEachEqualToTheCore(expected, got);
                        c.cancelJob(edge).get();
                    }
                }
            }
        } finally {
            cloudCluster.cancelJob(cloud).get();
        }
    }

    /** The newest completed checkpoint (a chk-N folder with its _metadata) under the checkpoint directory. */
    private static String latestCheckpoint(Path checkpoints) throws Exception {
        try (Stream<Path> files = Files.walk(checkpoints)) {
            Path latest = files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .map(Path::getParent)
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new AssertionError("no completed checkpoint under " + checkpoints));
            assertEquals(true, latest.getFileName().toString().startsWith("chk-"));
            return latest.toUri().toString();
        }
    }
}
