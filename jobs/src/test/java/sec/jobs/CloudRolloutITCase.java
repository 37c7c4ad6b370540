package sec.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import sec.inference.decode.SpeculationConfig;
import sec.inference.model.BundleChecksums;
import sec.inference.model.ModelManifest;
import sec.schemas.AudioFrame;
import sec.schemas.RolloutStatus;
import sec.schemas.Verdict;

/**
 * A verifier rolled out over the control topic while calls stream, without a restart: a broken
 * bundle (a listed file missing) is rejected with a status naming it and changes nothing; a good one
 * is loaded, promoted, and serves every verdict after its first one; no caption lost or doubled.
 */
class CloudRolloutITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    @Test
    void aVerifierPublishedMidRunServesTheRestAndABrokenOneChangesNothing(@TempDir Path tmp) throws Exception {
        Map<String, List<AudioFrame>> calls = PipelineFixture.calls("call-01-en.wav", "call-02-en.wav", "call-03-en.wav",
                "call-04-en.wav", "call-05-zh.wav", "call-06-zh.wav", "call-07-zh.wav", "call-08-zh.wav");
        Map<String, long[]> expected = PipelineFixture.coreCaptions(calls, SpeculationConfig.defaults());
        JobSettings s = PipelineFixture.jobs(JobSettings.kafka(Map.of("kafka.bootstrap-servers", "no-broker:9092")));
        String v1 = ModelManifest.load(Path.of(PipelineFixture.BUNDLE)).name();
        Path v2 = PipelineFixture.copyBundle(tmp.resolve("v2"));
        Map<String, String> published = BundleChecksums.of(v2);
        Map<String, String> withMissing = new TreeMap<>(published);
        withMissing.put("verifier/gone.pt", published.get("model.json"));

        // frames from a topic, fed in parts: a verifier version reports LOADED with the first request
        // after it is ready (it loads and warms up on a background thread), so the calls after the
        // roll-out are fed one at a time until it has; those after it are verified by it
        try (InProcessPipeline pipeline = InProcessPipeline.restorable(s, null, null)) {
            BlockingQueue<Object> frames = InMemoryTopics.topic(pipeline.frames);
            List<List<AudioFrame>> byCall = new ArrayList<>(calls.values());
            byCall.subList(0, 2).forEach(frames::addAll);
            BlockingQueue<Object> verdicts = InMemoryTopics.topic(pipeline.verdictLog);
            Verdict first = (Verdict) verdicts.poll(3, TimeUnit.MINUTES);
            assertNotNull(first, "a first verdict");
            assertEquals(v1, first.getVerifierModelId());
            BlockingQueue<Object> models = InMemoryTopics.topic(pipeline.models);
            models.add(PipelineFixture.cloudRollout("v3-broken", v2, withMissing));
            models.add(PipelineFixture.cloudRollout("v2", v2, published));

            List<RolloutStatus> status = new ArrayList<>();
            int fed = pipeline.feedUntilStatus(pipeline.status, byCall, 2, 1, status, r -> r.getVersion().equals("v2"));
            assertTrue(status.stream().anyMatch(r -> r.getVersion().equals("v2")),
                    "v2 reported before the last call: " + status);
            byCall.subList(fed, byCall.size()).forEach(frames::addAll);

            int sent = PipelineFixture.assertOneCaptionEachEqualToTheCore(expected,
                    pipeline.captions(expected.size(), Duration.ofMinutes(4)));
            assertTrue(pipeline.bothRunning(), "no job failed (restarts are off)");

            for (Object o : drain(InMemoryTopics.topic(pipeline.status))) {
                status.add((RolloutStatus) o);
            }
            List<String> decided = status.stream().map(r -> r.getVersion() + " " + r.getDecision()).toList();
            assertEquals(List.of("v3-broken REJECTED", "v2 LOADED", "v2 PROMOTED"), decided);
            assertEquals("verifier/gone.pt: missing", status.get(0).getReason());

            List<String> served = new ArrayList<>(List.of(first.getVerifierModelId()));
            drain(verdicts).forEach(o -> served.add(((Verdict) o).getVerifierModelId()));
            int switched = served.indexOf("v2");
            assertTrue(switched > 0, "verdicts after the roll-out came from v2: " + served);
            assertEquals(served.size() - switched, served.stream().filter("v2"::equals).count(),
                    "after the first v2 verdict, every one is v2: " + served);
            System.out.printf("roll-out mid-run: %d verdicts on %s, then %d on v2; %d tokens verified%n", switched, v1,
                    served.size() - switched, sent);
        }
    }

    private static List<Object> drain(BlockingQueue<Object> q) {
        List<Object> out = new ArrayList<>();
        q.drainTo(out);
        return out;
    }
}
