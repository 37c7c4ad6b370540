package sec.inference.decode.accept;

import sec.inference.decode.Decision;
import sec.inference.decode.DraftBlock;
import sec.inference.decode.Logits;

/** UGSD's rank-k rule: a drafted token passes when it is among the verifier's top k (k = 20 by default). */
public final class RankAcceptance implements AcceptancePolicy {
    private final int k;

    public RankAcceptance(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("rank-k acceptance needs k >= 1, got " + k);
        }
        this.k = k;
    }

    @Override
    public Decision decide(DraftBlock block, float[][] rows, boolean bonus) {
        return AcceptancePolicy.greedyCorrection(block, rows, bonus, (logits, t) -> Logits.rank(logits, t) < k);
    }
}
