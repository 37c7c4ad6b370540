package sec.inference.decode.accept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import sec.inference.decode.Decision;
import sec.inference.decode.DraftBlock;

class AcceptancePolicyTest {
    /** Logits that rank tokens in the given order (first = best) over a vocabulary of 30. */
    private static float[] ranked(int... order) {
        float[] l = new float[30];
        java.util.Arrays.fill(l, -10f);
        for (int i = 0; i < order.length; i++) {
            l[order[i]] = 10f - i;
        }
        return l;
    }

    private static DraftBlock block(long... tokens) {
        return new DraftBlock(tokens, new float[tokens.length], null);
    }

    @Test
    void rankAcceptsTokensWithinTopKAndCorrectsTheFirstOutside() {
        float[][] rows = {ranked(5, 6, 7), ranked(1, 2, 3), ranked(9, 8), ranked(4)};
        Decision d = new RankAcceptance(2).decide(block(6, 2, 7), rows, true);
        assertEquals(2, d.accepted());
        assertEquals(9, d.correction());
        assertEquals(Decision.NONE, d.bonus());
    }

    @Test
    void rankGivesTheBonusTokenOnlyWhenTheWholeBlockPasses() {
        float[][] rows = {ranked(5, 6), ranked(1, 2), ranked(4, 3)};
        Decision d = new RankAcceptance(2).decide(block(6, 2), rows, true);
        assertEquals(new Decision(2, Decision.NONE, 4), d);
        assertEquals(new Decision(2, Decision.NONE, Decision.NONE), new RankAcceptance(2).decide(block(6, 2), rows, false));
    }

    @Test
    void exactAcceptsOnlyTheVerifiersArgmax() {
        float[][] rows = {ranked(5, 6), ranked(1, 2), ranked(4)};
        assertEquals(new Decision(1, 1, Decision.NONE), new ExactAcceptance().decide(block(5, 2), rows, true));
        assertEquals(new Decision(0, 5, Decision.NONE), new ExactAcceptance().decide(block(6, 1), rows, true));
    }

    @Test
    void divergenceAcceptsWithinTheLogProbGap() {
        float[] row = new float[4];
        row[0] = 2f;
        row[1] = 1.5f; // 0.5 nats below the best
        row[2] = 0f;   // 2 nats below
        float[][] rows = {row, row, row};
        assertEquals(2, new DivergenceAcceptance(0.6).decide(block(1, 0, 2), rows, false).accepted());
        assertEquals(0, new DivergenceAcceptance(0.4).decide(block(1, 0, 2), rows, false).accepted());
        assertThrows(IllegalArgumentException.class, () -> new DivergenceAcceptance(-1));
    }

    @Test
    void speculativeSamplingMatchesTheVerifierDistribution() {
        // Drafter prefers token 0, verifier prefers token 1: the committed first token must follow p.
        float[] p = {0.2f, 0.7f, 0.1f};
        float[] q = {0.8f, 0.1f, 0.1f};
        float[] verifierLogits = {(float) Math.log(p[0]), (float) Math.log(p[1]), (float) Math.log(p[2])};
        SpeculativeSampling s = new SpeculativeSampling(7);
        Random draftRng = new Random(11);
        int[] counts = new int[3];
        int n = 40_000;
        for (int i = 0; i < n; i++) {
            int x = draftRng.nextDouble() < q[0] ? 0 : (draftRng.nextDouble() < 0.5 ? 1 : 2);
            DraftBlock b = new DraftBlock(new long[] {x}, new float[1], new float[][] {q});
            Decision d = s.decide(b, new float[][] {verifierLogits, verifierLogits}, false);
            counts[d.accepted() == 1 ? x : d.correction()]++;
        }
        for (int v = 0; v < 3; v++) {
            assertEquals(p[v], counts[v] / (double) n, 0.01, "token " + v);
        }
    }

    @Test
    void rankKMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new RankAcceptance(0));
    }
}
