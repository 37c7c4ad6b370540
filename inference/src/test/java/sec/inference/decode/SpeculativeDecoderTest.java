package sec.inference.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sec.inference.EdgeModels;
import sec.inference.TestModels;
import sec.inference.drafter.Drafter;
import sec.inference.drafter.EncodedAudio;
import sec.inference.model.ModelManifest;

/** The decoder's state machine driven by hand: verdicts, corrections, timeouts, misuse. */
class SpeculativeDecoderTest {
    private static EdgeModels edge;
    private static ModelManifest manifest;
    private static Drafter drafter;
    private static EncodedAudio audio;

    @BeforeAll
    static void load() {
        manifest = TestModels.manifest();
        edge = EdgeModels.load(manifest);
        drafter = edge.drafter();
        audio = drafter.encode(TestModels.firstHeldOut("en"));
    }

    @AfterAll
    static void close() {
        edge.close();
    }

    private static SpeculativeDecoder decoder(SpeculationConfig config) {
        long[] prompt = manifest.prompt("en");
        return new SpeculativeDecoder(drafter, drafter.start(audio, prompt), prompt, manifest.eos(), config,
                new BlockController(config), config.acceptancePolicy());
    }

    private static SpeculationConfig everyBlockVerified() {
        return SpeculationConfig.builder().tau(-1).gammaPolicy(SpeculationConfig.GammaPolicy.FIXED).gammaFixed(3).build();
    }

    @Test
    void aTimedOutBlockIsCommittedAsDraftedAndMarked() {
        SpeculativeDecoder d = decoder(everyBlockVerified());
        DraftBlock block = d.draftBlock();
        assertNotNull(block);
        assertEquals(3, block.length());
        d.applyTimeout();
        assertArrayEquals(block.tokens(), d.trace().tokens());
        for (Provenance p : d.trace().provenance()) {
            assertEquals(Provenance.UNVERIFIED_TIMEOUT, p);
        }
    }

    @Test
    void aCorrectionReplacesTheFirstRejectedTokenAndDraftingGoesOnFromIt() {
        SpeculativeDecoder d = decoder(everyBlockVerified());
        DraftBlock block = d.draftBlock();
        long replacement = block.tokens()[1] == 10 ? 11 : 10;
        d.applyVerdict(new Decision(1, (int) replacement, Decision.NONE));
        assertArrayEquals(new long[] {block.tokens()[0], replacement}, d.trace().tokens());
        assertArrayEquals(new Provenance[] {Provenance.VERIFIED, Provenance.CORRECTED}, d.trace().provenance());
        DraftBlock next = d.draftBlock();
        assertNotNull(next, "the next block is drafted after the rollback");
        assertEquals(2, d.trace().length(), "nothing new is committed before its verdict");
        assertEquals(1, d.trace().corrected());
    }

    @Test
    void aGarbageVerdictIsNotUsedAndLeavesItsBlockUnverified() {
        int vocab = drafter.vocabSize();
        for (Decision garbage : new Decision[] {new Decision(99, Decision.NONE, Decision.NONE),
                new Decision(-2, Decision.NONE, Decision.NONE), new Decision(0, vocab, Decision.NONE),
                new Decision(1, -7, Decision.NONE), new Decision(1, Decision.NONE, vocab + 1000)}) {
            SpeculativeDecoder d = decoder(everyBlockVerified());
            DraftBlock block = d.draftBlock();
            assertEquals(VerdictOutcome.UNUSABLE, d.applyVerdict(d.state().blockId(), d.state().epoch(), garbage),
                    garbage.toString());
            assertEquals(block.length(), d.trace().length(), garbage.toString());
            assertEquals(0, d.trace().accepted());
            assertEquals(block.length(), d.trace().timeouts(), "marked unverified");
            for (int i = 0; i < block.length(); i++) {
                assertEquals(block.tokens()[i], d.trace().tokens()[i], "the drafted tokens, not the garbage");
                assertEquals(Provenance.UNVERIFIED_TIMEOUT, d.trace().provenance()[i]);
            }
        }
    }

    @Test
    void finishingOnTheEdgeSendsNothingMoreAndMarksOnlyTheWaitingBlock() {
        SpeculativeDecoder d = decoder(everyBlockVerified());
        DraftBlock waiting = d.draftBlock();
        d.finishOnEdge();
        assertTrue(d.finished());
        assertEquals(waiting.length(), d.trace().sent(), "nothing sent after the waiting block");
        assertEquals(waiting.length(), d.trace().timeouts());
        assertTrue(d.trace().length() > waiting.length(), "the rest drafted on the edge");
        for (int i = waiting.length(); i < d.trace().length(); i++) {
            assertEquals(Provenance.EDGE, d.trace().provenance()[i]);
        }
    }

    @Test
    void confidentBlocksAreCommittedWithoutAVerdict() {
        SpeculativeDecoder d = decoder(SpeculationConfig.builder().tau(1e9).tauEmotion(1e9).build());
        assertNull(d.draftBlock());
        assertTrue(d.trace().length() > 0);
        assertEquals(0, d.trace().sent());
        for (Provenance p : d.trace().provenance()) {
            assertEquals(Provenance.EDGE, p);
        }
    }

    @Test
    void misuseIsRefused() {
        SpeculativeDecoder d = decoder(everyBlockVerified());
        assertThrows(IllegalStateException.class, d::applyTimeout);
        d.draftBlock();
        assertThrows(IllegalStateException.class, d::draftBlock);
    }

    @Test
    void theCaptionStopsAtTheTokenLimit() {
        SpeculationConfig config = SpeculationConfig.builder().tau(1e9).tauEmotion(1e9).maxTokens(5).build();
        SpeculativeDecoder d = decoder(config);
        while (!d.finished()) {
            d.draftBlock();
        }
        assertTrue(d.trace().length() <= 5);
    }
}
