package sec.inference.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sec.inference.AudioFeatures;
import sec.inference.CloudModels;
import sec.inference.EdgeModels;
import sec.inference.TestModels;
import sec.inference.TestPair;
import sec.inference.decode.offline.CaptionResult;
import sec.inference.decode.offline.Speculator;
import sec.inference.decode.verify.EmulatedLink;
import sec.inference.decode.verify.InProcessLink;
import sec.inference.drafter.Drafter;
import sec.inference.drafter.EncodedAudio;
import sec.inference.model.ModelManifest;
import sec.inference.text.CaptionTokenizer;
import sec.inference.verifier.Verifier;

/**
 * Pipelined drafting (PLC): blocks drafted while older ones wait, resolved oldest first, thrown
 * away on a rejection; in lossless mode it never changes the caption; a state with several blocks
 * in flight survives its binary form.
 */
class PipelinedDraftingTest {
    private static EdgeModels edge;
    private static CloudModels cloud;
    private static ModelManifest manifest;
    private static Drafter drafter;
    private static Verifier verifier;
    private static CaptionTokenizer tokenizer;

    @BeforeAll
    static void load() {
        TestPair pair = TestPair.shared();
        manifest = pair.manifest();
        edge = pair.edge();
        drafter = edge.drafter();
        cloud = pair.cloud();
        verifier = cloud.verifier();
        tokenizer = edge.tokenizer();
    }

    /** Every block verified, γ = 3, two blocks ahead. */
    private static final SpeculationConfig AHEAD = SpeculationConfig.builder().tau(-1)
            .gammaPolicy(SpeculationConfig.GammaPolicy.FIXED).gammaFixed(3).lookahead(2).build();

    private static SpeculativeDecoder decoder(SpeculationConfig config, EncodedAudio audio) {
        long[] prompt = manifest.prompt("en");
        return new SpeculativeDecoder(drafter, drafter.start(audio, prompt), prompt, manifest.eos(), config,
                new BlockController(config), config.acceptancePolicy());
    }

    @Test
    void aRejectionDiscardsWhatWasDraftedAfterItAndItsVerdictsGoStale() {
        SpeculativeDecoder d = decoder(AHEAD, drafter.encode(TestModels.firstHeldOut("en")));
        DraftBlock first = d.draftBlock();
        DraftBlock second = d.draftBlock();
        DraftBlock third = d.draftBlock();
        assertNotNull(first);
        assertNotNull(second);
        assertNotNull(third);
        assertFalse(d.canDraft(), "lookahead 2: the oldest plus two behind it");
        assertEquals(3, d.state().inFlight());
        assertThrows(IllegalStateException.class, d::draftBlock);

        assertEquals(VerdictOutcome.APPLIED, d.applyVerdict(2, 0, new Decision(3, Decision.NONE, Decision.NONE)), "out of order: kept");
        assertEquals(0, d.trace().length(), "nothing commits before the oldest block's verdict");
        long replacement = first.tokens()[1] == 10 ? 11 : 10;
        assertEquals(VerdictOutcome.APPLIED, d.applyVerdict(1, 0, new Decision(1, (int) replacement, Decision.NONE)));
        assertArrayEquals(new long[] {first.tokens()[0], replacement}, d.trace().tokens());
        assertNull(d.pending(), "the blocks drafted after the rejected one are gone");
        assertEquals(1, d.state().epoch());
        assertEquals(6, d.trace().discarded());
        assertEquals(VerdictOutcome.STALE, d.applyVerdict(3, 0, new Decision(3, Decision.NONE, Decision.NONE)), "stale verdict dropped");
        assertEquals(2, d.trace().length());
        assertNotNull(d.draftBlock(), "drafting goes on from the correction (KV cache rolled back)");
    }

    @Test
    void acceptedBlocksCommitInOrderAndAMatchingBonusKeepsTheNextWindow() {
        SpeculativeDecoder d = decoder(AHEAD, drafter.encode(TestModels.firstHeldOut("en")));
        DraftBlock first = d.draftBlock();
        DraftBlock second = d.draftBlock();
        d.applyVerdict(1, 0, new Decision(3, Decision.NONE, (int) second.tokens()[0]));
        assertEquals(3, d.trace().length(), "the bonus equals the next window's first token: no extra token");
        assertEquals(0, d.trace().discarded());
        assertEquals(second.tokens()[0], d.pending().tokens()[0]);
        d.applyVerdict(2, 0, new Decision(3, Decision.NONE, Decision.NONE));
        long[] expected = new long[6];
        System.arraycopy(first.tokens(), 0, expected, 0, 3);
        System.arraycopy(second.tokens(), 0, expected, 3, 3);
        assertArrayEquals(expected, d.trace().tokens());
    }

    @Test
    void aBonusThatMissesTheNextWindowDiscardsItEarlyWithPreHitOnly() {
        EncodedAudio audio = drafter.encode(TestModels.firstHeldOut("en"));
        for (boolean preHit : new boolean[] {true, false}) {
            SpeculativeDecoder d = decoder(AHEAD.toBuilder().preHit(preHit).build(), audio);
            d.draftBlock();
            DraftBlock second = d.draftBlock();
            int other = second.tokens()[0] == 10 ? 11 : 10;
            d.applyVerdict(1, 0, new Decision(3, Decision.NONE, other));
            if (preHit) {
                assertEquals(4, d.trace().length(), "the bonus token is committed");
                assertEquals(3, d.trace().discarded());
                assertNull(d.pending());
            } else {
                assertEquals(3, d.trace().length(), "without pre-hit the next window's own verdict decides");
                assertEquals(0, d.trace().discarded());
                assertArrayEquals(second.tokens(), d.pending().tokens());
            }
        }
    }

    @ParameterizedTest(name = "{0}, pre-hit {1}")
    @CsvSource({"en,true", "zh,true", "en,false"})
    void losslessCaptionsAreTheSameWithAndWithoutLookahead(String lang, boolean preHit) throws Exception {
        SpeculationConfig lossless = SpeculationConfig.defaults().withTau(-1).toBuilder().preHit(preHit).build();
        Speculator plain = speculator(lossless);
        Speculator pipelined = speculator(lossless.withLookahead(2));
        int n = 0;
        double plainMs = 0;
        double pipelinedMs = 0;
        for (TestModels.HeldOut h : TestModels.heldOut(lang, 12)) {
            AudioFeatures mel = TestModels.features(h.wav());
            CaptionResult a = plain.caption(mel, lang);
            CaptionResult b = pipelined.caption(mel, lang);
            assertArrayEquals(a.tokens(), b.tokens(), h.wav() + ": '" + a.text() + "' vs pipelined '" + b.text() + "'");
            plainMs += a.totalMs() - a.verifierMs() - a.edgeMs();
            pipelinedMs += b.totalMs() - b.verifierMs() - b.edgeMs();
            n++;
        }
        assertEquals(12, n);
        assertTrue(pipelinedMs < plainMs, "waiting on the link (" + pipelinedMs + " ms) must shrink with PLC (" + plainMs + " ms)");
    }

    private static Speculator speculator(SpeculationConfig config) {
        return new Speculator(drafter, verifier, manifest, tokenizer, config,
                new EmulatedLink(new InProcessLink(verifier), 40, 20, 20));
    }

    @Test
    void aStateWithSeveralBlocksInFlightRestoresToTheSameCaption() throws IOException {
        EncodedAudio audio = drafter.encode(TestModels.firstHeldOut("en"));
        SpeculationConfig config = SpeculationConfig.defaults().withTau(-1).withLookahead(2);
        long[] reference = decodeInFlight(config, audio, false);
        assertArrayEquals(reference, decodeInFlight(config, audio, true));
    }

    /** Keeps the lookahead full, answers the oldest block with the real verifier, optionally through the binary form each time. */
    private static long[] decodeInFlight(SpeculationConfig config, EncodedAudio audio, boolean roundTrip) throws IOException {
        long[] prompt = manifest.prompt("en");
        DecodingState state = new DecodingState(drafter.start(audio, prompt), prompt, new BlockController(config));
        List<Object[]> waiting = new ArrayList<>(); // {blockId, epoch, decision}
        int maxInFlight = 0;
        while (true) {
            SpeculativeDecoder d = new SpeculativeDecoder(drafter, config, config.acceptancePolicy(), manifest.eos(), state);
            if (d.finished()) {
                assertTrue(maxInFlight >= 2, "the test must have had several blocks in flight");
                return d.trace().tokens();
            }
            while (d.canDraft()) {
                if (d.draftBlock() != null) {
                    Decision v = d.decide(verifier.score(List.of(d.verifyInput(audio.context(), audio.steps()))).get(0));
                    waiting.add(new Object[] {d.state().blockId(), d.state().epoch(), v});
                }
            }
            maxInFlight = Math.max(maxInFlight, d.state().inFlight());
            if (roundTrip) {
                state = DecodingStateTest.roundTrip(state, false);
                d = new SpeculativeDecoder(drafter, config, config.acceptancePolicy(), manifest.eos(), state);
            }
            Object[] oldest = waiting.remove(0);
            d.applyVerdict((int) oldest[0], (int) oldest[1], (Decision) oldest[2]);
        }
    }
}
