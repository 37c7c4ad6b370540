package sec.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sec.operators.DrafterHarness.DEADLINE_MS;
import static sec.operators.DrafterHarness.MODELS;
import static sec.operators.DrafterHarness.SPEC;

import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import sec.inference.AudioFeatures;
import sec.inference.FeatureExtractor;
import sec.inference.decode.offline.CaptionResult;
import sec.inference.decode.offline.Speculator;
import sec.inference.decode.verify.InProcessLink;
import sec.inference.drafter.Drafter;
import sec.inference.text.CaptionTokenizer;
import sec.schemas.AcousticContext;
import sec.schemas.EmotionCaption;
import sec.schemas.Provenance;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/**
 * The drafter operator driven by hand ({@link DrafterHarness}), with verdicts from the real verifier,
 * at a batch of one call (drafted at once) and of 16 (held, drafted when the batch's delay of 0 ms has
 * passed): the caption equals the inference core's, and stale, misrouted, garbage and late verdicts,
 * a silent cloud, a call that keeps talking and noise change nothing they must not.
 */
@ParameterizedClass(name = "drafter.batch-calls {0}")
@ValueSource(ints = {1, 16})
class SpeculativeDrafterTest {
    private final DrafterHarness.Models models = DrafterHarness.Models.shared();
    @AutoClose
    private final DrafterHarness d; // a new test instance, and operator, per test

    SpeculativeDrafterTest(int batchCalls) throws Exception {
        d = new DrafterHarness(models, batchCalls);
    }

    @Test
    void captionEqualsTheInferenceCoreAndStateIsGoneAfterwards() throws Exception {
        d.in1(d.utterance(), 0);
        AcousticContext ctx = d.side(SpeculativeDrafter.CONTEXTS).get(0);
        for (VerifyRequest r = d.nextRequest(); r != null; r = d.nextRequest()) {
            d.in2(d.verdict(ctx, r), 0);
        }
        List<EmotionCaption> out = d.captions();
        assertEquals(1, out.size());
        EmotionCaption c = out.get(0);
        assertTrue(c.getFinal$());
        assertTrue(d.requestsSeen() > 0, "tau 0.3 sends blocks");

        try (Drafter d = Drafter.load(models.manifest(), 1); CaptionTokenizer tok = CaptionTokenizer.load(models.manifest().tokenizerFile())) {
            AudioFeatures mel = FeatureExtractor.of(models.manifest()).features(models.samples(), 8000, "x");
            CaptionResult direct = new Speculator(d, models.verifier(), models.manifest(), tok, SPEC, new InProcessLink(models.verifier())).caption(mel, "en");
            assertArrayEquals(direct.tokens(), c.getTokenIds().stream().mapToLong(Integer::longValue).toArray(),
                    c.getText() + " vs " + direct.text());
            assertEquals(direct.text(), c.getText());
            assertEquals(direct.sent(), c.getSent());
        }
        assertTrue(c.getEmotion() != null, c.getText());
        d.assertNothingLeftBut(1, "after the caption, only the speaker's baseline");
        assertTrue(d.side(SpeculativeDrafter.PARTIALS).size() > 0);
    }

    /** Starts the utterance and returns the models.verifier()'s verdict on its first sent block (not yet delivered). */
    private Verdict startAndAnswerTheFirstBlock() throws Exception {
        d.in1(d.utterance(), 0);
        return d.verdict(d.side(SpeculativeDrafter.CONTEXTS).get(0), d.nextRequest());
    }

    @Test
    void aStaleVerdictChangesNothing() throws Exception {
        Verdict good = startAndAnswerTheFirstBlock();
        Verdict stale = Verdict.newBuilder(good).setEpoch(good.getEpoch() - 1).setAccepted(0).setCorrection(5).build();
        Verdict otherBlock = Verdict.newBuilder(good).setBlockId(good.getBlockId() + 7).build();
        d.in2(stale, 0);
        d.in2(otherBlock, 0);
        assertEquals(1, d.side(SpeculativeDrafter.REQUESTS).size(), "nothing moved");
        assertEquals(0, d.captions().size());
        d.in2(good, 0);
        assertTrue(d.side(SpeculativeDrafter.REQUESTS).size() > 1 || d.captions().size() == 1,
                "the right verdict moves the caption on");
    }

    /**
     * Two calls at once; the models.verifier() sends one of call-8's verdicts to call-7 (wrong key) and
     * answers one of call-7's blocks with garbage. call-8's caption is the core's; call-7's keeps
     * its drafted block, marked unverified; neither caption holds anything of the other call.
     */
    @Test
    void misroutedAndGarbageVerdictsNeverReachAnotherCallsCaption() throws Exception {
        Utterance u7 = d.utterance();
        Utterance u8 = new Utterance("call-8", "CUSTOMER", "en", 1000, 1000 + models.samples().length / 8, models.samples());
        d.in1(u7, 0);
        d.in1(u8, 0);
        List<AcousticContext> ctxs = d.side(SpeculativeDrafter.CONTEXTS);
        int garbageLength = -1;
        for (VerifyRequest r = d.nextRequest(); r != null; r = d.nextRequest()) {
            AcousticContext ctx = ctxs.get(r.getCallId().equals("call-7") ? 0 : 1);
            Verdict right = d.verdict(ctx, r);
            if (r.getCallId().equals("call-8")) {
                d.in2(Verdict.newBuilder(right).setCallId("call-7").setAccepted(0).setCorrection(5).build(), 0);
            } else if (garbageLength < 0) {
                garbageLength = r.getDraftTokens().size();
                d.in2(Verdict.newBuilder(right).setAccepted(99).setCorrection(100_000).build(), 0);
                continue;
            }
            d.in2(right, 0);
        }
        List<EmotionCaption> out = d.captions();
        assertEquals(2, out.size());
        for (EmotionCaption c : out) {
            assertTrue(c.getUtteranceId().toString().startsWith(c.getCallId() + "/"), c.toString());
            assertTrue(c.getTokenIds().stream().allMatch(t -> t >= 0 && t < models.manifest().vocabSize()));
        }
        EmotionCaption c7 = out.stream().filter(c -> c.getCallId().equals("call-7")).findFirst().orElseThrow();
        EmotionCaption c8 = out.stream().filter(c -> c.getCallId().equals("call-8")).findFirst().orElseThrow();
        assertArrayEquals(d.coreCaption(), c8.getTokenIds().stream().mapToLong(Integer::longValue).toArray());
        assertEquals(0, c8.getTimeouts());
        assertTrue(garbageLength > 0);
        assertEquals(garbageLength, c7.getTimeouts(), "the garbage-answered block is kept as drafted, unverified");
        assertEquals(garbageLength, c7.getProvenance().stream().filter(p -> p == Provenance.UNVERIFIED_TIMEOUT).count());
        d.assertNothingLeftBut(2, "only each call's speaker baseline");
    }

    /** A silent cloud and a call that keeps talking: its open utterances stay at the limit, the oldest finished on the edge. */
    @Test
    void aCallNeverHoldsMoreThanItsLimitOfOpenUtterances() throws Exception {
        d.reopen(new DrafterConfig(MODELS.resolve("bundled").toString(), SPEC, DEADLINE_MS, true, true, 2), 0, null);
        for (int i = 0; i < 4; i++) {
            d.time(i);
            d.in1(new Utterance("call-9", "CUSTOMER", "en", 1000 + 20_000L * i,
                    1000 + 20_000L * i + models.samples().length / 8, models.samples()), i);
        }
        List<EmotionCaption> out = d.captions();
        assertEquals(2, out.size(), "the two oldest were finished to make room");
        assertEquals(1000, out.get(0).getStartMs());
        assertEquals(21_000, out.get(1).getStartMs());
        for (EmotionCaption c : out) {
            assertTrue(c.getSent() > 0 && c.getTimeouts() > 0, "its waiting block committed unverified: " + c);
            assertEquals(0, c.getAccepted());
            assertTrue(c.getText().length() > 0);
        }
        assertEquals(2, d.harness().numProcessingTimeTimers(), "a deadline for each of the two still open");
    }

    /** A models.verifier() slower than the deadline: its verdict arrives after the block was committed unverified, and is dropped. */
    @Test
    void aVerdictAfterTheDeadlineChangesNothing() throws Exception {
        Verdict late = startAndAnswerTheFirstBlock();
        d.time(DEADLINE_MS);
        int requestsAfterTimeout = d.side(SpeculativeDrafter.REQUESTS).size();
        int partialsAfterTimeout = d.side(SpeculativeDrafter.PARTIALS).size();
        d.in2(late, 0);
        assertEquals(requestsAfterTimeout, d.side(SpeculativeDrafter.REQUESTS).size(), "nothing drafted for it");
        assertEquals(partialsAfterTimeout, d.side(SpeculativeDrafter.PARTIALS).size(), "the caption did not move");
        long now = DEADLINE_MS;
        while (d.captions().isEmpty() && now < 200 * DEADLINE_MS) {
            now += DEADLINE_MS;
            d.time(now);
        }
        EmotionCaption c = d.captions().get(0);
        assertEquals(c.getSent(), c.getTimeouts(), "every sent block, the late-answered one too, stayed unverified");
        assertEquals(0, c.getAccepted());
        d.assertNothingLeftBut(1, "only the speaker's baseline");
    }

    @Test
    void withoutVerdictsTheCaptionComesUnverifiedWithinTheDeadline() throws Exception {
        d.in1(d.utterance(), 0);
        long now = 0;
        while (d.captions().isEmpty() && now < 200 * DEADLINE_MS) {
            now += DEADLINE_MS;
            d.time(now);
        }
        List<EmotionCaption> out = d.captions();
        assertEquals(1, out.size());
        EmotionCaption c = out.get(0);
        assertTrue(c.getProvenance().contains(Provenance.UNVERIFIED_TIMEOUT), c.getProvenance().toString());
        assertTrue(!c.getProvenance().contains(Provenance.VERIFIED));
        assertEquals(c.getSent(), c.getTimeouts());
        int rounds = d.side(SpeculativeDrafter.REQUESTS).size();
        assertTrue(now <= rounds * DEADLINE_MS, "each block waited one deadline: " + now + " ms for " + rounds + " blocks");
        d.assertNothingLeftBut(1, "only the speaker's baseline");
    }

    /** White noise and a steady tone, as a segmenter could cut them from a line: no caption, a counter. */
    @Test
    void noiseAndTonesGetNoCaptionButACounter() throws Exception {
        java.util.Random r = new java.util.Random(3);
        float[] noise = new float[16000];
        float[] tone = new float[16000];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (0.2 * r.nextGaussian());
            tone[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / 8000.0));
        }
        d.in1(new Utterance("call-7", "CUSTOMER", "en", 0, 2000, noise), 0);
        d.in1(new Utterance("call-7", "AGENT", "en", 0, 2000, tone), 0);
        assertEquals(0, d.captions().size(), "no caption");
        assertEquals(0, d.side(SpeculativeDrafter.CONTEXTS).size(), "nothing sent to the cloud");
        assertEquals(0, d.harness().numKeyedStateEntries(), "no state: noise is not the speaker's voice");
        assertEquals(2, ((SpeculativeDrafter) d.harness().getOperator()).utterancesWithoutSpeech());
        d.in1(d.utterance(), 0); // speech on the same call still is captioned
        assertEquals(1, d.side(SpeculativeDrafter.CONTEXTS).size());
    }

    /**
     * The second utterance of a channel is encoded against the speaker's baseline from the first
     * (kept in keyed state, and across a restore); another channel starts without one.
     */
    @Test
    void theSpeakersBaselineFromEarlierUtterancesConditionsTheNext() throws Exception {
        float[] second = DrafterHarness.heldOut(1); // another recording than the first
        d.in1(d.utterance(), 0);
        OperatorSubtaskState snapshot = d.snapshot(1, 10);
        d.reopen(DrafterHarness.config(SPEC, true), 10, snapshot);
        d.in1(new Utterance("call-7", "CUSTOMER", "en", 9000, 9000 + second.length / 8, second), 10);
        d.in1(new Utterance("call-7", "AGENT", "en", 9000, 9000 + second.length / 8, second), 10);
        List<AcousticContext> contexts = d.side(SpeculativeDrafter.CONTEXTS);
        assertEquals(2, contexts.size());
        FeatureExtractor fx = FeatureExtractor.of(models.manifest());
        AudioFeatures first = fx.features(models.samples(), 8000, "first");
        AudioFeatures next = fx.features(second, 8000, "second");
        sec.inference.audio.SpeakerBaseline heard = new sec.inference.audio.SpeakerBaseline();
        heard.add(first.prosody().stats());
        try (Drafter d = Drafter.load(models.manifest(), 1)) {
            byte[] withBaseline = d.encode(next, heard.value()).context();
            byte[] without = d.encode(next, null).context();
            assertTrue(!java.util.Arrays.equals(withBaseline, without), "the baseline reaches the models");
            assertArrayEquals(withBaseline, bytes(contexts.get(0)), "CUSTOMER: encoded against the first utterance");
            assertArrayEquals(without, bytes(contexts.get(1)), "AGENT: its first utterance, no baseline");
        }
    }

    private static byte[] bytes(AcousticContext c) {
        java.nio.ByteBuffer b = c.getFeatures().duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
