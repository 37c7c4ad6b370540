package sec.inference.decode.accept;

import sec.inference.decode.Decision;
import sec.inference.decode.DraftBlock;
import sec.inference.decode.Logits;

/**
 * Decides which prefix of a drafted block the verifier accepts, given the verifier's logit rows
 * (row i predicts block token i; the extra last row predicts the token after the block).
 * The first rejected token is replaced; the rest of the block is discarded.
 */
public interface AcceptancePolicy {
    Decision decide(DraftBlock block, float[][] verifierRows, boolean bonus);

    /** Whether the policy needs the drafter's probability rows in the block. */
    default boolean needsDrafterProbs() {
        return false;
    }

    /** Accept while the predicate holds, correct with the verifier's argmax, bonus = next argmax. */
    static Decision greedyCorrection(DraftBlock block, float[][] rows, boolean bonus, TokenTest accept) {
        for (int i = 0; i < block.length(); i++) {
            if (!accept.test(rows[i], (int) block.tokens()[i])) {
                return new Decision(i, Logits.argmax(rows[i]), Decision.NONE);
            }
        }
        int extra = bonus ? Logits.argmax(rows[block.length()]) : Decision.NONE;
        return new Decision(block.length(), Decision.NONE, extra);
    }

    /** Whether one drafted token passes against the verifier's logits at its position. */
    @FunctionalInterface
    interface TokenTest {
        boolean test(float[] verifierLogits, int token);
    }
}
