package sec.inference.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BlockControllerTest {
    private static final Decision CORRECTED = new Decision(1, 3, Decision.NONE);

    /** A fully accepted block of n tokens with its bonus token. */
    private static Decision all(int n) {
        return new Decision(n, Decision.NONE, 7);
    }

    private static BlockController controller(SpeculationConfig.GammaPolicy policy) {
        return new BlockController(SpeculationConfig.defaults().withGamma(policy, 3));
    }

    /** No token decides an emotion at these positions: the block gate alone. */
    private static final EmotionGate OFF = new EmotionGate(0.0, java.util.Set.of());

    @Test
    void gateSendsBlocksWhoseLargestEntropyPassesTau() {
        BlockController c = new BlockController(SpeculationConfig.defaults().withTau(0.5));
        assertTrue(c.shouldVerify(new DraftBlock(new long[] {1, 2}, new float[] {0.1f, 0.6f}, null), 5, OFF));
        assertFalse(c.shouldVerify(new DraftBlock(new long[] {1, 2}, new float[] {0.1f, 0.5f}, null), 5, OFF));
    }

    /** The first caption token and emotion words are sent at the emotion gate's lower τ; other tokens are not. */
    @Test
    void theEmotionGateSendsUncertainEmotionDecisionsAtItsLowerTau() {
        BlockController c = new BlockController(SpeculationConfig.defaults().withTau(1.3));
        EmotionGate gate = new EmotionGate(0.4, java.util.Set.of(42L));
        DraftBlock unsureFirst = new DraftBlock(new long[] {7, 8}, new float[] {0.5f, 0.1f}, null);
        assertTrue(c.shouldVerify(unsureFirst, 0, gate), "the template choice at 0.5 nats > 0.4");
        assertFalse(c.shouldVerify(unsureFirst, 3, gate), "the same tokens later in the caption: 0.5 < 1.3");
        DraftBlock unsureWord = new DraftBlock(new long[] {7, 42}, new float[] {0.1f, 0.5f}, null);
        assertTrue(c.shouldVerify(unsureWord, 9, gate), "an emotion word at 0.5 nats");
        assertFalse(c.shouldVerify(new DraftBlock(new long[] {7, 42}, new float[] {0.1f, 0.3f}, null), 9, gate),
                "a confident emotion word stays on the edge");
        assertFalse(new BlockController(SpeculationConfig.defaults().withTau(0.2)).shouldVerify(
                new DraftBlock(new long[] {42}, new float[] {0.15f}, null), 0, gate), "τ below the emotion gate's wins");
    }

    @Test
    void dynamicGammaShrinksAfterACorrectionAndGrowsAfterTwoFullAccepts() {
        BlockController c = controller(SpeculationConfig.GammaPolicy.DYNAMIC);
        assertEquals(4, c.gamma());
        c.onVerdict(CORRECTED, 4);
        assertEquals(2, c.gamma());
        c.onVerdict(CORRECTED, 2);
        assertEquals(2, c.gamma(), "never below gamma-min");
        c.onVerdict(all(2), 2);
        assertEquals(2, c.gamma(), "one full accept is not enough");
        c.onVerdict(all(2), 2);
        assertEquals(4, c.gamma());
        c.onVerdict(all(4), 4);
        c.onVerdict(all(4), 4);
        assertEquals(6, c.gamma());
        c.onVerdict(all(6), 6);
        c.onVerdict(all(6), 6);
        assertEquals(6, c.gamma(), "never above gamma-max");
    }

    @Test
    void heuristicAddsTwoOnFullAcceptAndDropsOneOtherwise() {
        BlockController c = controller(SpeculationConfig.GammaPolicy.HEURISTIC);
        c.onVerdict(all(4), 4);
        assertEquals(6, c.gamma());
        c.onVerdict(CORRECTED, 6);
        assertEquals(5, c.gamma());
    }

    @Test
    void fixedGammaNeverMoves() {
        BlockController c = controller(SpeculationConfig.GammaPolicy.FIXED);
        c.onVerdict(CORRECTED, 3);
        c.onVerdict(all(3), 3);
        c.onVerdict(all(3), 3);
        assertEquals(3, c.gamma());
    }
}
