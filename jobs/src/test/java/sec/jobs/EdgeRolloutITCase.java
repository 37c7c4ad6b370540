package sec.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import sec.inference.decode.SpeculationConfig;
import sec.inference.model.BundleChecksums;
import sec.inference.model.ModelManifest;
import sec.schemas.AudioFrame;
import sec.schemas.EmotionCaption;
import sec.schemas.ModelRollout;
import sec.schemas.ModelSide;
import sec.schemas.RolloutStatus;

/**
 * A different drafter ({@code models/alternate}) rolled out over the control topic while 8 calls
 * stream through both jobs, without a restart: a broken bundle is rejected by the drafter subtasks,
 * naming the missing file; the good one is loaded and promoted; captions of utterances that started
 * before name v1, later ones v2 (per call, never v1 again after v2); one caption per utterance, token
 * for token what the core captions with the drafter the caption names.
 */
class EdgeRolloutITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    @Test
    void aDrafterPublishedMidRunCaptionsTheUtterancesThatStartAfterIt(@TempDir Path tmp) throws Exception {
        Map<String, List<AudioFrame>> calls = PipelineFixture.calls("call-01-en.wav", "call-02-en.wav", "call-03-en.wav",
                "call-04-en.wav", "call-05-zh.wav", "call-06-zh.wav", "call-07-zh.wav", "call-08-zh.wav");
        Map<String, long[]> expected = PipelineFixture.coreCaptions(calls, SpeculationConfig.defaults());
        JobSettings s = PipelineFixture.jobs(JobSettings.kafka(Map.of("kafka.bootstrap-servers", "no-broker:9092")));
        String v1 = ModelManifest.load(Path.of(PipelineFixture.BUNDLE)).name();
        Path v2 = PipelineFixture.alternateBundle(tmp.resolve("v2"));
        Map<String, long[]> expectedOnV2 = PipelineFixture.coreCaptions(calls, SpeculationConfig.defaults(), v2);
        long differ = expected.keySet().stream().filter(u -> !Arrays.equals(expected.get(u), expectedOnV2.get(u))).count();
        assertTrue(differ > 0, "the second drafter captions some utterance otherwise");
        Map<String, String> published = BundleChecksums.of(v2);
        Map<String, String> withMissing = new TreeMap<>(published);
        withMissing.put("drafter/gone.onnx", published.get("model.json"));

        // frames from a topic, fed in parts: a drafter version reports its status with the first record
        // after it has decided (it loads and warms up on a background thread), so the calls after each
        // roll-out are fed one at a time until it has
        try (InProcessPipeline pipeline = InProcessPipeline.restorable(s, null, null)) {
            List<List<AudioFrame>> fedCalls = new ArrayList<>(calls.values());
            fedCalls.subList(0, 2).forEach(InMemoryTopics.topic(pipeline.frames)::addAll);
            BlockingQueue<Object> captions = InMemoryTopics.topic(pipeline.captions);
            List<EmotionCaption> got = new ArrayList<>();
            for (int i = 0; i < 1800 && got.size() < 4; i++) {
                Object c = captions.poll(100, TimeUnit.MILLISECONDS);
                if (c != null) {
                    got.add((EmotionCaption) c);
                }
            }
            assertEquals(4, got.size(), "four captions before the roll-out");
            BlockingQueue<Object> models = InMemoryTopics.topic(pipeline.edgeModels);
            // one at a time: a drafter told of both at once would only need (and check) the later
            models.add(edgeRollout("v3-broken", v2, withMissing));
            List<RolloutStatus> status = new ArrayList<>();
            int fed = pipeline.feedUntilStatus(pipeline.edgeStatus, fedCalls, 2, 2, status, r -> r.getVersion().equals("v3-broken"));
            RolloutStatus rejected = status.stream().filter(r -> r.getVersion().equals("v3-broken")).findFirst().orElse(null);
            assertTrue(rejected != null && rejected.getDecision().name().equals("REJECTED"), "rejected: " + status);
            assertEquals("drafter/gone.onnx: missing", rejected.getReason());
            models.add(edgeRollout("v2", v2, published));
            fed = pipeline.feedUntilStatus(pipeline.edgeStatus, fedCalls, fed, 1, status, r -> r.getVersion().equals("v2"));
            assertTrue(status.stream().anyMatch(r -> r.getVersion().equals("v2")), "v2 reported before the last call: " + status);
            fedCalls.subList(fed, fedCalls.size()).forEach(InMemoryTopics.topic(pipeline.frames)::addAll);

            Map<String, List<EmotionCaption>> rest = pipeline.captions(expected.size() - got.size(), Duration.ofMinutes(4));
            got.forEach(c -> rest.computeIfAbsent(c.getUtteranceId(), k -> new ArrayList<>()).add(c));
            assertEquals(expected.keySet(), rest.keySet(), "every utterance captioned");
            for (var e : rest.entrySet()) {
                assertEquals(1, e.getValue().size(), e.getKey() + ": one caption");
                EmotionCaption c = e.getValue().get(0);
                long[] want = (c.getDrafterModelId().equals("v2") ? expectedOnV2 : expected).get(e.getKey());
                assertArrayEquals(want, c.getTokenIds().stream().mapToLong(Integer::longValue).toArray(),
                        e.getKey() + " on " + c.getDrafterModelId() + ": the core's caption with that drafter");
            }
            assertTrue(pipeline.bothRunning(), "no job failed (restarts are off)");

            List<EmotionCaption> all = rest.values().stream().map(l -> l.get(0)).toList();
            Map<String, Long> perVersion = all.stream().collect(Collectors.groupingBy(EmotionCaption::getDrafterModelId,
                    TreeMap::new, Collectors.counting()));
            assertEquals(Set.of(v1, "v2"), perVersion.keySet(), "captions on both versions: " + perVersion);
            Map<String, List<EmotionCaption>> byCall = all.stream().collect(Collectors.groupingBy(EmotionCaption::getCallId));
            for (List<EmotionCaption> call : byCall.values()) {
                call.sort(Comparator.comparingLong(EmotionCaption::getEndMs));
                int firstV2 = call.stream().map(EmotionCaption::getDrafterModelId).toList().indexOf("v2");
                assertTrue(firstV2 < 0 || call.subList(firstV2, call.size()).stream().allMatch(c -> c.getDrafterModelId().equals("v2")),
                        "never v1 again after v2 in a call: " + call.stream().map(EmotionCaption::getDrafterModelId).toList());
            }
            for (Object o : drain(InMemoryTopics.topic(pipeline.edgeStatus))) {
                status.add((RolloutStatus) o);
            }
            List<String> decided = status.stream().map(st -> st.getVersion() + " " + st.getDecision()).toList();
            assertTrue(decided.containsAll(List.of("v2 LOADED", "v2 PROMOTED")), decided.toString());
            long differedOnV2 = all.stream().filter(c -> c.getDrafterModelId().equals("v2"))
                    .filter(c -> !Arrays.equals(expected.get(c.getUtteranceId()), expectedOnV2.get(c.getUtteranceId()))).count();
            System.out.printf("edge roll-out mid-run: %s captions per version (%d of %d utterances captioned otherwise by v2,"
                    + " %d of them on v2); decisions %s%n", perVersion, differ, expected.size(), differedOnV2, decided);
        }
    }

    private static ModelRollout edgeRollout(String version, Path location, Map<String, String> files) {
        return ModelRollout.newBuilder(PipelineFixture.cloudRollout(version, location, files)).setSide(ModelSide.EDGE).build();
    }

    private static List<Object> drain(BlockingQueue<Object> q) {
        List<Object> out = new ArrayList<>();
        q.drainTo(out);
        return out;
    }
}
