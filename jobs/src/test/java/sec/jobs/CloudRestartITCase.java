package sec.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sec.connectors.AvroCodec;
import sec.connectors.KafkaSettings;
import sec.devkit.EmbeddedKafka;
import sec.inference.decode.SpeculationConfig;
import sec.inference.model.BundleChecksums;
import sec.schemas.AudioFrame;
import sec.schemas.EmotionCaption;
import sec.schemas.RolloutDecision;
import sec.schemas.RolloutStatus;
import sec.schemas.Verdict;

/**
 * The cloud job stopped with a savepoint and resubmitted from it while the edge keeps drafting (each
 * job on its own MiniCluster, as in production): the requests sent while it was down wait in their
 * topic, the restored job answers them, and every utterance gets one final caption. With the test's
 * 60 s verdict deadline a restart of a few seconds costs no block its verdict, so every caption is
 * the core's; the count of tokens committed unverified is printed (0 here). A verifier rolled out
 * before the stop serves every verdict after the restore: the roll-out is in the savepoint's
 * broadcast state, the control topic is not read again.
 */
class CloudRestartITCase {
    private static final SpeculationConfig SPEC = SpeculationConfig.defaults();
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static StreamGraph cloudJob(KafkaSettings settings, String restoreFrom) {
        return cloudJob(settings, restoreFrom, 1);
    }

    private static StreamGraph cloudJob(KafkaSettings settings, String restoreFrom, int parallelism) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        CloudVerifyJob.kafka(env, PipelineFixture.jobs(settings), null);
        return env.getStreamGraph();
    }

    /** The edge job, parallelism 1, checkpointing every 300 ms: it keeps drafting while the cloud job goes and comes. */
    private static StreamGraph edgeJob(KafkaSettings settings) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(300);
        EdgeCaptionJob.kafka(env, PipelineFixture.jobs(settings));
        return env.getStreamGraph();
    }

    private static List<Verdict> verdicts(KafkaSettings s) {
        AvroCodec<Verdict> codec = new AvroCodec<>(Verdict.class);
        return PipelineFixture.read(s, s.topics().verdicts(), 1).stream().map(codec::decode).toList();
    }

    private static String blockOf(Verdict v) {
        return v.getUtteranceId() + "/" + v.getBlockId() + "/" + v.getEpoch();
    }

    @Test
    void aCloudJobRestartedMidCallLosesNoCaption(@TempDir Path dir) throws Exception {
        KafkaSettings settings = PipelineFixture.freshTopics(kafka);
        Map<String, List<AudioFrame>> calls = PipelineFixture.calls("call-02-en.wav", "call-07-zh.wav");
        Map<String, long[]> expected = PipelineFixture.coreCaptions(calls, SPEC);
        long half = 20_000;
        try (MiniCluster edgeCluster = PipelineFixture.miniCluster()) {
            JobID edge = edgeCluster.submitJob(edgeJob(settings)).get().getJobID();
            String savepoint;
            Set<String> answeredBefore = new HashSet<>();
            try (MiniCluster first = PipelineFixture.miniCluster()) {
                // a verifier rolled out before the stop (and before the job, which loads it before its first
                // request): the restored job must serve it without reading the topic again
                Path v2 = PipelineFixture.copyBundle(dir.resolve("v2"));
                PipelineFixture.publish(settings, PipelineFixture.cloudRollout("v2", v2, BundleChecksums.of(v2)));
                JobID cloud = first.submitJob(cloudJob(settings, null)).get().getJobID();
                AvroCodec<RolloutStatus> status = new AvroCodec<>(RolloutStatus.class);
                assertTrue(PipelineFixture.read(settings, settings.topics().modelStatus(), 2).stream().map(status::decode)
                        .anyMatch(st -> st.getVersion().equals("v2") && st.getDecision() == RolloutDecision.PROMOTED),
                        "v2 loaded before the first request");
                PipelineFixture.produce(settings, calls, f -> f.getStartMs() < half);
                Map<String, List<EmotionCaption>> early = PipelineFixture.committedCaptions(settings, 3, Duration.ofMinutes(2));
                assertTrue(early.size() >= 3 && early.size() < expected.size(), "stopped mid-call: " + early.size() + " captions");
                List<Verdict> before = verdicts(settings);
                assertTrue(before.stream().allMatch(v -> v.getVerifierModelId().equals("v2")), "v2 served from the start");
                before.forEach(v -> answeredBefore.add(blockOf(v)));
                savepoint = PipelineFixture.stopWithSavepoint(first, cloud, dir.resolve("savepoints"));
            }
            // the rest of every call is drafted while the cloud is down: its requests wait in their topic
            PipelineFixture.produce(settings, calls, f -> f.getStartMs() >= half);
            Thread.sleep(2_000);
            try (MiniCluster second = PipelineFixture.miniCluster()) {
                JobID cloud = second.submitJob(cloudJob(settings, savepoint)).get().getJobID();
                Map<String, List<EmotionCaption>> got = PipelineFixture.committedCaptions(settings, expected.size(), Duration.ofMinutes(4));
                int unverified = got.values().stream().mapToInt(c -> c.get(0).getTimeouts()).sum();
                System.out.printf("cloud job restarted mid-call: %d utterances, %d captions, %d tokens committed unverified%n",
                        expected.size(), got.size(), unverified);
                int verified = PipelineFixture.assertOneCaptionEachEqualToTheCore(expected, got);
                assertTrue(verified > 0);
                List<String> after = verdicts(settings).stream().filter(v -> !answeredBefore.contains(blockOf(v)))
                        .map(Verdict::getVerifierModelId).toList();
                assertTrue(!after.isEmpty() && after.stream().allMatch("v2"::equals),
                        "after the restore every verdict comes from the rolled-out v2: " + after);
                assertEquals(expected.keySet(), got.keySet());
                second.cancelJob(cloud).get();
            }
            edgeCluster.cancelJob(edge).get();
        }
    }

    /**
     * The cloud job rescaled through savepoints while the edge drafts: parallelism 2, then 4, then 1,
     * a third of every call streamed in each. The context join's keyed state, the verifier's requests
     * in flight and the roll-out's broadcast state move; every utterance gets one caption, the core's,
     * and every verdict after the first restore comes from the rolled-out version.
     */
    @Test
    void aCloudJobRescaledFrom2To4To1MidCallLosesNoCaption(@TempDir Path dir) throws Exception {
        KafkaSettings settings = PipelineFixture.freshTopics(kafka);
        Map<String, List<AudioFrame>> calls = PipelineFixture.calls("call-02-en.wav", "call-07-zh.wav");
        Map<String, long[]> expected = PipelineFixture.coreCaptions(calls, SPEC);
        try (MiniCluster edgeCluster = PipelineFixture.miniCluster()) {
            JobID edge = edgeCluster.submitJob(edgeJob(settings)).get().getJobID();
            Path v2 = PipelineFixture.copyBundle(dir.resolve("v2"));
            PipelineFixture.publish(settings, PipelineFixture.cloudRollout("v2", v2, BundleChecksums.of(v2)));
            String savepoint = null;
            Set<String> answeredBefore = new HashSet<>();
            int[] parallelism = {2, 4, 1};
            long[] until = {15_000, 30_000, Long.MAX_VALUE};
            for (int phase = 0; phase < 3; phase++) {
                long from = phase == 0 ? Long.MIN_VALUE : until[phase - 1];
                long to = until[phase];
                try (MiniCluster cluster = PipelineFixture.miniCluster(parallelism[phase])) {
                    JobID cloud = cluster.submitJob(cloudJob(settings, savepoint, parallelism[phase])).get().getJobID();
                    PipelineFixture.produce(settings, calls, f -> f.getStartMs() >= from && f.getStartMs() < to);
                    if (phase < 2) {
                        int captions = PipelineFixture.committedCaptions(settings, 3 * (phase + 1), Duration.ofMinutes(2)).size();
                        assertTrue(captions < expected.size(), "stopped mid-call: " + captions + " captions");
                        savepoint = PipelineFixture.stopWithSavepoint(cluster, cloud, dir.resolve("savepoints-" + phase));
                        if (phase == 0) { // a request may beat the roll-out to a subtask of a new job: v1 until v2 is loaded
                            verdicts(settings).forEach(v -> answeredBefore.add(blockOf(v)));
                        }
                    } else {
                        Map<String, List<EmotionCaption>> got = PipelineFixture.committedCaptions(settings, expected.size(),
                                Duration.ofMinutes(4));
                        int verified = PipelineFixture.assertOneCaptionEachEqualToTheCore(expected, got);
                        assertTrue(verified > 0);
                        List<String> after = verdicts(settings).stream().filter(v -> !answeredBefore.contains(blockOf(v)))
                                .map(Verdict::getVerifierModelId).toList();
                        assertTrue(!after.isEmpty() && after.stream().allMatch("v2"::equals),
                                "after the rescales every verdict comes from the rolled-out v2: " + after);
                        System.out.printf("cloud job rescaled 2 -> 4 -> 1 mid-call: %d utterances, %d captions, %d tokens"
                                + " verified, %d verdicts after the first restore%n", expected.size(), got.size(), verified,
                                after.size());
                        cluster.cancelJob(cloud).get();
                    }
                }
            }
            edgeCluster.cancelJob(edge).get();
        }
    }
}
