package sec.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import sec.inference.AudioFeatures;
import sec.inference.FeatureExtractor;
import sec.inference.audio.WavReader;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.offline.Speculator;
import sec.inference.decode.verify.InProcessLink;
import sec.inference.decode.verify.VerificationService;
import sec.inference.drafter.Drafter;
import sec.inference.model.ModelManifest;
import sec.inference.text.CaptionTokenizer;
import sec.inference.verifier.Verifier;
import sec.schemas.AcousticContext;
import sec.schemas.EmotionCaption;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/**
 * The drafter operator in a keyed two-input harness, driven by hand at a batch of {@code batchCalls}
 * (held calls drafted when the batch's delay, here 0 ms, has passed: every input is followed by the
 * processing-time step that drafts what it held), with verdicts from the real verifier.
 */
final class DrafterHarness implements AutoCloseable {
    static final long DEADLINE_MS = 2_000;
    static final SpeculationConfig SPEC = SpeculationConfig.builder().tau(0.3).build();
    static final Path MODELS = Path.of(System.getProperty("sec.models.dir"));

    /** The bundled models and a held-out English recording, loaded once for the test JVM ({@link #shared}). */
    record Models(ModelManifest manifest, Verifier verifier, VerificationService service, float[] samples) {
        private static Models shared;

        /** Loaded on first use and kept until the JVM ends (the drafter tests share one verifier). */
        static synchronized Models shared() throws Exception {
            if (shared == null) {
                ModelManifest manifest = ModelManifest.load(MODELS.resolve("bundled"));
                Verifier verifier = Verifier.load(manifest);
                shared = new Models(manifest, verifier, new VerificationService(verifier, manifest, SPEC), heldOut(0));
            }
            return shared;
        }
    }

    private final Models models;
    private final int batchCalls;
    private KeyedTwoInputStreamOperatorTestHarness<String, Utterance, Verdict, EmotionCaption> harness;
    private int requestsSeen;

    /** Opened at processing time 0 with the default configuration (τ 0.3, the KV cache checkpointed). */
    DrafterHarness(Models models, int batchCalls) throws Exception {
        this.models = models;
        this.batchCalls = batchCalls;
        reopen(config(SPEC, true), 0, null);
    }

    static DrafterConfig config(SpeculationConfig spec, boolean checkpointKvCache) {
        return new DrafterConfig(MODELS.resolve("bundled").toString(), spec, DEADLINE_MS, true, checkpointKvCache);
    }

    /** Closes the operator and opens a new one with {@code config} at processing time {@code time}, restored from {@code snapshot} if not null. */
    void reopen(DrafterConfig config, long time, OperatorSubtaskState snapshot) throws Exception {
        if (harness != null) {
            harness.close();
        }
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(new SpeculativeDrafter(config.withBatch(batchCalls, 0)),
                u -> u.callId, v -> v.getCallId(), Types.STRING);
        harness.setProcessingTime(time);
        if (snapshot != null) {
            harness.initializeState(snapshot);
        }
        harness.open();
        requestsSeen = 0;
    }

    KeyedTwoInputStreamOperatorTestHarness<String, Utterance, Verdict, EmotionCaption> harness() {
        return harness;
    }

    OperatorSubtaskState snapshot(long checkpointId, long timestamp) throws Exception {
        return harness.snapshot(checkpointId, timestamp);
    }

    /** An utterance at {@code t}, then whatever it left held drafted. */
    void in1(Utterance u, long t) throws Exception {
        harness.processElement1(u, t);
        drafted();
    }

    void in2(Verdict v, long t) throws Exception {
        harness.processElement2(v, t);
        drafted();
    }

    /** Processing time moves to {@code t}: deadlines fire, and what they left held is drafted. */
    void time(long t) throws Exception {
        harness.setProcessingTime(t);
        drafted();
    }

    /** The batch's delay (0 ms) passes: held calls are drafted. */
    private void drafted() throws Exception {
        harness.setProcessingTime(harness.getProcessingTime());
    }

    List<EmotionCaption> captions() {
        return harness.extractOutputValues();
    }

    <T> List<T> side(org.apache.flink.util.OutputTag<T> tag) {
        return HarnessRecords.side(harness, tag);
    }

    /** The next request the drafter sent that this harness has not handed out yet, or null. */
    VerifyRequest nextRequest() {
        List<VerifyRequest> all = side(SpeculativeDrafter.REQUESTS);
        return all.size() > requestsSeen ? all.get(requestsSeen++) : null;
    }

    int requestsSeen() {
        return requestsSeen;
    }

    /** The real verifier's verdict on {@code r} over the utterance's context. */
    Verdict verdict(AcousticContext ctx, VerifyRequest r) {
        return HarnessRecords.verdict(models.service(), ctx, r);
    }

    void assertNothingLeftBut(int keyedStateEntries, String what) {
        assertEquals(keyedStateEntries, harness.numKeyedStateEntries(), what);
        assertEquals(0, harness.numProcessingTimeTimers(), "no deadline timers left");
    }

    /** The held-out recording on call-7's customer channel, from 1 s into the call. */
    Utterance utterance() {
        return new Utterance("call-7", "CUSTOMER", "en", 1000, 1000 + models.samples().length / 8, models.samples());
    }

    /** The inference core's caption of {@link #utterance()} with the same verifier. */
    long[] coreCaption() throws Exception {
        ModelManifest manifest = models.manifest();
        try (Drafter d = Drafter.load(manifest, 1); CaptionTokenizer tok = CaptionTokenizer.load(manifest.tokenizerFile())) {
            AudioFeatures mel = FeatureExtractor.of(manifest).features(models.samples(), 8000, "x");
            return new Speculator(d, models.verifier(), manifest, tok, SPEC, new InProcessLink(models.verifier()))
                    .caption(mel, "en").tokens();
        }
    }

    /** The {@code index}-th held-out English recording (by file name). */
    static float[] heldOut(int index) throws Exception {
        try (var files = Files.list(MODELS.resolve("eval/en"))) {
            Path wav = files.filter(p -> p.toString().endsWith(".wav")).sorted().skip(index).findFirst().orElseThrow();
            return WavReader.read(wav).channel(0);
        }
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
