package sec.inference.decode.accept;

import sec.inference.decode.Decision;
import sec.inference.decode.DraftBlock;
import sec.inference.decode.Logits;

/**
 * A divergence threshold: a drafted token passes when its verifier log-probability is within
 * {@code maxGap} nats of the verifier's best token (0 behaves like exact acceptance).
 */
public final class DivergenceAcceptance implements AcceptancePolicy {
    private final double maxGap;

    public DivergenceAcceptance(double maxGap) {
        if (maxGap < 0) {
            throw new IllegalArgumentException("divergence threshold must be >= 0, got " + maxGap);
        }
        this.maxGap = maxGap;
    }

    @Override
    public Decision decide(DraftBlock block, float[][] rows, boolean bonus) {
        return AcceptancePolicy.greedyCorrection(block, rows, bonus, (logits, t) ->
                Logits.logProb(logits, Logits.argmax(logits)) - Logits.logProb(logits, t) <= maxGap);
    }
}
