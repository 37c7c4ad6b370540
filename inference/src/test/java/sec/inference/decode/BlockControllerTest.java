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

    @Test
    void gateSendsBlocksWhoseLargestEntropyPassesTau() {
        BlockController c = new BlockController(SpeculationConfig.defaults().withTau(0.5));
        assertTrue(c.shouldVerify(new DraftBlock(new long[] {1, 2}, new float[] {0.1f, 0.6f}, null)));
        assertFalse(c.shouldVerify(new DraftBlock(new long[] {1, 2}, new float[] {0.1f, 0.5f}, null)));
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
