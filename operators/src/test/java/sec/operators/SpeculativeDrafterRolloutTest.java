package sec.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sec.inference.audio.WavReader;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.verify.VerificationService;
import sec.inference.model.BundleChecksums;
import sec.inference.model.CanaryShare;
import sec.inference.model.ModelManifest;
import sec.inference.verifier.Verifier;
import sec.schemas.AcousticContext;
import sec.schemas.EmotionCaption;
import sec.schemas.ModelRollout;
import sec.schemas.ModelSide;
import sec.schemas.RolloutStatus;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/**
 * A drafter version rolled out while an utterance is open: the open one finishes on the version it
 * started with, the next starts on the new one, both captions and requests say which; a broken
 * bundle is rejected and changes nothing; a restore starts on the rolled-out version without being
 * told again, and an utterance restored mid-caption finishes on its own version.
 */
class SpeculativeDrafterRolloutTest {
    private static final SpeculationConfig SPEC = SpeculationConfig.builder().tau(0.3).build();
    private static final Path MODELS = Path.of(System.getProperty("sec.models.dir"));
    private static final Path BUNDLE = MODELS.resolve("bundled");
    private static Verifier verifier;
    private static VerificationService service;
    private static float[] samples;
    private final Map<String, AcousticContext> contexts = new HashMap<>();
    private final List<VerifyRequest> answered = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        ModelManifest manifest = ModelManifest.load(BUNDLE);
        verifier = Verifier.load(manifest);
        service = new VerificationService(verifier, manifest, SPEC);
        try (var files = Files.list(MODELS.resolve("eval/en"))) {
            samples = WavReader.read(files.filter(p -> p.toString().endsWith(".wav")).sorted().findFirst().orElseThrow()).channel(0);
        }
    }

    @AfterAll
    static void unload() {
        verifier.close();
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Utterance, Verdict, EmotionCaption> harness(
            OperatorSubtaskState restored) throws Exception {
        DrafterConfig config = new DrafterConfig(BUNDLE.toString(), SPEC, 60_000, true, true).withBatch(1, 0);
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(new SpeculativeDrafter(config), (Utterance u) -> u.callId,
                (Verdict v) -> v.getCallId(), Types.STRING);
        h.setProcessingTime(0);
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    private static Utterance speech(String call, long startMs, ModelRollout... plan) {
        Utterance u = new Utterance(call, "CUSTOMER", "en", startMs, startMs + samples.length / 8, samples);
        u.rollouts = plan;
        return u;
    }

    /** Silence carrying the plan: no caption, but the drafter hears of the roll-outs and applies finished loads. */
    private static Utterance silence(ModelRollout... plan) {
        Utterance u = new Utterance("carrier", "CUSTOMER", "en", 0, 500, new float[4000]);
        u.rollouts = plan;
        return u;
    }

    private static ModelRollout rollout(String version, Path location, Map<String, String> files) {
        return HarnessRecords.rollout(ModelSide.EDGE, version, location, files);
    }

    /** Feeds silence until the drafter reports {@code decisions} roll-out decisions; returns them as "version DECISION". */
    private static List<String> settle(KeyedTwoInputStreamOperatorTestHarness<String, Utterance, Verdict, EmotionCaption> h,
            int decisions, ModelRollout... plan) throws Exception {
        for (int i = 0; i < 600 && HarnessRecords.side(h, SpeculativeDrafter.ROLLOUT_STATUS).size() < decisions; i++) {
            h.processElement1(silence(plan), 0);
            Thread.sleep(20);
        }
        return HarnessRecords.side(h, SpeculativeDrafter.ROLLOUT_STATUS).stream()
                .map(s -> s.getVersion() + " " + s.getDecision()).toList();
    }

    /** Answers every request not answered yet, with the real verifier, until none is left. */
    private void answerAll(KeyedTwoInputStreamOperatorTestHarness<String, Utterance, Verdict, EmotionCaption> h) throws Exception {
        for (boolean more = true; more; ) {
            more = false;
            HarnessRecords.side(h, SpeculativeDrafter.CONTEXTS).forEach(c -> contexts.put(c.getUtteranceId(), c));
            for (VerifyRequest r : HarnessRecords.side(h, SpeculativeDrafter.REQUESTS)) {
                if (!answered.contains(r)) {
                    answered.add(r);
                    h.processElement2(HarnessRecords.verdict(service, contexts.get(r.getUtteranceId()), r), 0);
                    more = true;
                }
            }
        }
    }

    private static Map<String, String> versionByUtterance(List<EmotionCaption> captions) {
        return captions.stream().collect(Collectors.toMap(EmotionCaption::getUtteranceId, EmotionCaption::getDrafterModelId));
    }

    @Test
    void openUtterancesFinishOnTheirVersionNewOnesStartOnTheRolledOutOneAndARestoreKeepsIt(@TempDir Path tmp) throws Exception {
        String v1 = ModelManifest.load(BUNDLE).name();
        Path copy = HarnessRecords.copyOfBundle(tmp.resolve("v2"));
        ModelRollout broken = rollout("v3-broken", copy, Map.of("drafter/gone.onnx", "0".repeat(64)));
        ModelRollout v2 = rollout("v2", copy, BundleChecksums.of(copy));
        var h = harness(null);
        h.processElement1(speech("call-a", 1000), 0);
        assertTrue(!HarnessRecords.side(h, SpeculativeDrafter.REQUESTS).isEmpty(), "call-a waits for a verdict on v1");

        assertEquals(List.of("v3-broken REJECTED"), settle(h, 1, broken));
        assertEquals(List.of("v3-broken REJECTED", "v2 LOADED", "v2 PROMOTED"), settle(h, 3, broken, v2));
        RolloutStatus rejected = HarnessRecords.side(h, SpeculativeDrafter.ROLLOUT_STATUS).get(0);
        assertEquals("drafter/gone.onnx: missing", rejected.getReason());

        h.processElement1(speech("call-b", 1000, broken, v2), 0);
        h.processElement1(speech("call-c", 1000, broken, v2), 0);
        answerAll(h);
        Map<String, String> versions = versionByUtterance(h.extractOutputValues());
        assertEquals(v1, versions.get("call-a/CUSTOMER/1000"), "open when v2 came: finished on v1");
        assertEquals("v2", versions.get("call-b/CUSTOMER/1000"), "started after: on v2");
        assertEquals("v2", versions.get("call-c/CUSTOMER/1000"));
        for (VerifyRequest r : answered) {
            assertEquals(r.getUtteranceId().startsWith("call-a") ? v1 : "v2", r.getDrafterModelId(), r.getUtteranceId());
        }
        for (EmotionCaption c : h.extractOutputValues()) {
            assertEquals(c.getSent() > 0 ? "test" : null, c.getVerifierModelId(), "the verifier version of its verdicts");
        }

        // an utterance on v2 open at the snapshot; the restored operator is not told of v2 again
        h.processElement1(speech("call-d", 1000, broken, v2), 0);
        HarnessRecords.side(h, SpeculativeDrafter.CONTEXTS).forEach(c -> contexts.put(c.getUtteranceId(), c));
        List<VerifyRequest> waiting = HarnessRecords.side(h, SpeculativeDrafter.REQUESTS).stream()
                .filter(r -> r.getUtteranceId().startsWith("call-d")).toList();
        assertTrue(!waiting.isEmpty(), "call-d waits for a verdict at the snapshot");
        OperatorSubtaskState snapshot = h.snapshot(1, 10);
        h.close();

        var restored = harness(snapshot);
        answered.clear();
        restored.processElement1(speech("call-e", 1000), 0); // no plan on it: what the state remembered
        for (VerifyRequest r : waiting) {
            answered.add(r);
            restored.processElement2(HarnessRecords.verdict(service, contexts.get(r.getUtteranceId()), r), 0);
        }
        answerAll(restored);
        Map<String, String> after = versionByUtterance(restored.extractOutputValues());
        assertEquals("v2", after.get("call-d/CUSTOMER/1000"), "restored mid-caption: finished on v2");
        assertEquals("v2", after.get("call-e/CUSTOMER/1000"), "new after the restore: v2 without reading the control topic");
        List<String> statusAfter = HarnessRecords.side(restored, SpeculativeDrafter.ROLLOUT_STATUS).stream()
                .map(s -> s.getVersion() + " " + s.getDecision()).toList();
        assertTrue(statusAfter.contains("v2 PROMOTED"), statusAfter.toString());
        restored.close();
    }

    @Test
    void aCanarySplitsCallsByTheirHashAndPublishingTheOldVersionRollsBack(@TempDir Path tmp) throws Exception {
        String v1 = ModelManifest.load(BUNDLE).name();
        Path copy = HarnessRecords.copyOfBundle(tmp.resolve("v2"));
        ModelRollout canary = ModelRollout.newBuilder(rollout("v2", copy, BundleChecksums.of(copy))).setCanaryPercent(50).build();
        var h = harness(null);
        assertEquals(List.of("v2 LOADED"), settle(h, 1, canary), "a canary is loaded, not promoted");
        int onV2 = 0;
        for (int i = 0; i < 12; i++) {
            String call = "call-" + i;
            h.processElement1(speech(call, 1000, canary), 0);
            String expected = CanaryShare.inCanary(call, 50) ? "v2" : v1;
            onV2 += expected.equals("v2") ? 1 : 0;
            assertEquals(expected, firstRequestOf(h, call).getDrafterModelId(), call + " (share " + CanaryShare.of(call) + ")");
        }
        assertTrue(onV2 > 0 && onV2 < 12, "both versions in use: " + onV2 + " of 12 calls on the canary");

        ModelRollout back = rollout(v1, BUNDLE, BundleChecksums.of(BUNDLE));
        assertEquals(List.of("v2 LOADED", v1 + " ROLLED_BACK"), settle(h, 2, canary, back));
        for (int i = 0; i < 12; i++) {
            String utterance = "call-" + i + "/CUSTOMER/60000";
            h.processElement1(speech("call-" + i, 60_000, canary, back), 0);
            assertEquals(v1, HarnessRecords.side(h, SpeculativeDrafter.REQUESTS).stream()
                    .filter(r -> r.getUtteranceId().equals(utterance)).findFirst().orElseThrow()
                    .getDrafterModelId(), "after the rollback every call is on v1: " + utterance);
        }
        h.close();
    }

    private static VerifyRequest firstRequestOf(KeyedTwoInputStreamOperatorTestHarness<String, Utterance, Verdict, EmotionCaption> h,
            String call) {
        return HarnessRecords.side(h, SpeculativeDrafter.REQUESTS).stream().filter(r -> r.getCallId().equals(call)).findFirst()
                .orElseThrow(() -> new AssertionError(call + " sent no block"));
    }
}
