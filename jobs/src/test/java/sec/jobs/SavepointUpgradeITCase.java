package sec.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import sec.inference.decode.SpeculationConfig;
import sec.inference.model.ModelManifest;
import sec.schemas.AudioFrame;
import sec.schemas.EmotionCaption;

/**
 * Upgrades: savepoints of both jobs taken by an earlier build mid-call (two calls, the first 20 s
 * of each streamed, every verdict in) are committed under {@code src/test/resources/savepoints/both-jobs};
 * the build under test restores them and streams the rest. Every utterance not captioned before the
 * savepoint gets one caption, token for token the core's. A state serializer or a uid changed
 * incompatibly fails the restore, and this test: regenerate the fixture only for a release that means
 * to break savepoint compatibility, and say so in its notes
 * ({@code mvn -pl jobs verify -Dit.test=… -Dtest=SavepointUpgradeITCase -Dsec.fixture.write=true}).
 */
class SavepointUpgradeITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());
    private static final Path FIXTURE = Path.of("src/test/resources/savepoints/both-jobs").toAbsolutePath();
    private static final long HALF_MS = 20_000;

    private static Map<String, List<AudioFrame>> calls() throws Exception {
        return PipelineFixture.calls("call-02-en.wav", "call-07-zh.wav");
    }

    /**
     * Timers and state TTLs run on processing time, and the fixture restores days after it was
     * taken: a quiet call's segmenter, baselines and contexts would be gone by then, as they should
     * be after a real outage that long. The fixture is taken and restored with them kept for ten years.
     */
    private static JobSettings settings() {
        String decade = String.valueOf(Duration.ofDays(3650).toMillis());
        return PipelineFixture.jobs(JobSettings.kafka(Map.of("kafka.bootstrap-servers", "no-broker:9092")),
                "segmenter.inactivity-timeout-ms", decade, "drafter.call-idle-ttl-ms", decade, "verifier.context-ttl-ms", decade);
    }

    private static void feed(InProcessPipeline p, Map<String, List<AudioFrame>> calls, boolean firstHalf) {
        BlockingQueue<Object> frames = InMemoryTopics.topic(p.frames);
        calls.values().forEach(fs -> fs.stream().filter(f -> (f.getStartMs() < HALF_MS) == firstHalf).forEach(frames::add));
    }

    @Test
    @EnabledIfSystemProperty(named = "sec.fixture.write", matches = "true")
    void writeTheFixture(@TempDir Path tmp) throws Exception {
        Map<String, List<AudioFrame>> calls = calls();
        Set<String> captioned = new TreeSet<>();
        String[] savepoints;
        try (InProcessPipeline p = InProcessPipeline.restorable(settings(), null, null)) {
            feed(p, calls, true);
            BlockingQueue<Object> captions = InMemoryTopics.topic(p.captions);
            // quiet: nothing captioned for 8 s and nothing waiting between the jobs
            for (long quietSince = System.nanoTime(); System.nanoTime() - quietSince < 8e9; ) {
                Object c = captions.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (c != null || !InMemoryTopics.topic(p.frames).isEmpty()) {
                    quietSince = System.nanoTime();
                }
                if (c != null) {
                    captioned.add(((EmotionCaption) c).getUtteranceId());
                }
            }
            assertTrue(captioned.size() >= 3, "captions before the savepoint: " + captioned);
            savepoints = p.stopWithSavepoints(tmp);
        }
        deleteTree(FIXTURE);
        sec.devkit.BundleCopy.of(Path.of(java.net.URI.create(savepoints[0])), FIXTURE.resolve("edge"));
        sec.devkit.BundleCopy.of(Path.of(java.net.URI.create(savepoints[1])), FIXTURE.resolve("cloud"));
        Files.write(FIXTURE.resolve("captioned-before.txt"), captioned);
        Files.writeString(FIXTURE.resolve("bundle.txt"), ModelManifest.load(Path.of(PipelineFixture.BUNDLE)).name());
        System.out.printf("fixture written: %d utterances captioned before the savepoints, %s%n", captioned.size(), FIXTURE);
    }

    @Test
    void theCommittedSavepointsOfBothJobsRestoreAndFinishEveryCall() throws Exception {
        assumeTrue(!Boolean.getBoolean("sec.fixture.write"), "writing the fixture, not restoring the old one");
        assumeTrue(Files.exists(FIXTURE.resolve("bundle.txt")), "no fixture");
        assumeTrue(Files.readString(FIXTURE.resolve("bundle.txt")).equals(ModelManifest.load(Path.of(PipelineFixture.BUNDLE)).name()),
                "the fixture's state holds another bundle's drafter state: regenerate it with the release that retrains");
        Map<String, List<AudioFrame>> calls = calls();
        Map<String, long[]> expected = new HashMap<>(PipelineFixture.coreCaptions(calls, SpeculationConfig.defaults()));
        Set<String> before = new HashSet<>(Files.readAllLines(FIXTURE.resolve("captioned-before.txt")));
        assertTrue(expected.keySet().containsAll(before), "the fixture's captions are the core's utterances");
        expected.keySet().removeAll(before);
        try (InProcessPipeline p = InProcessPipeline.restorable(settings(), FIXTURE.resolve("edge").toUri().toString(),
                FIXTURE.resolve("cloud").toUri().toString())) {
            feed(p, calls, false);
            var got = p.captions(expected.size(), Duration.ofMinutes(4));
            int verified = PipelineFixture.assertOneCaptionEachEqualToTheCore(expected, got);
            assertEquals(expected.keySet(), got.keySet());
            assertTrue(p.bothRunning(), "no job failed (restarts are off)");
            System.out.printf("restored the committed savepoints: %d utterances captioned before, %d after, %d tokens verified%n",
                    before.size(), got.size(), verified);
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }
}
