package sec.inference.decode.accept;

import java.util.Random;
import sec.inference.decode.Decision;
import sec.inference.decode.DraftBlock;
import sec.inference.decode.Logits;

/**
 * Speculative sampling (Leviathan et al. 2023): accept drafted token x with probability
 * min(1, p(x) / q(x)); on rejection sample from norm(max(0, p - q)); after a fully accepted block
 * sample the bonus from p. The output is distributed exactly as sampling from the verifier.
 */
public final class SpeculativeSampling implements AcceptancePolicy {
    private final Random random;

    public SpeculativeSampling(long seed) {
        this.random = new Random(seed);
    }

    @Override
    public boolean needsDrafterProbs() {
        return true;
    }

    @Override
    public Decision decide(DraftBlock block, float[][] rows, boolean bonus) {
        if (block.drafterProbs() == null) {
            throw new IllegalArgumentException("speculative sampling needs the drafter's probabilities");
        }
        for (int i = 0; i < block.length(); i++) {
            int x = (int) block.tokens()[i];
            float[] p = Logits.softmax(rows[i]);
            float[] q = block.drafterProbs()[i];
            if (random.nextDouble() >= Math.min(1.0, p[x] / Math.max(q[x], 1e-12))) {
                float[] residual = new float[p.length];
                for (int v = 0; v < p.length; v++) {
                    residual[v] = Math.max(0f, p[v] - q[v]);
                }
                return new Decision(i, sample(residual), Decision.NONE);
            }
        }
        int extra = bonus ? sample(Logits.softmax(rows[block.length()])) : Decision.NONE;
        return new Decision(block.length(), Decision.NONE, extra);
    }

    /** Samples an index from non-negative weights (argmax when they sum to zero). */
    int sample(float[] weights) {
        double sum = 0;
        for (float w : weights) {
            sum += w;
        }
        if (sum <= 0) {
            return Logits.argmax(weights);
        }
        double u = random.nextDouble() * sum;
        for (int v = 0; v < weights.length; v++) {
            u -= weights[v];
            if (u < 0) {
                return v;
            }
        }
        return weights.length - 1;
    }

    /** Samples a drafted token from the drafter's probabilities (sampling mode drafts by sampling). */
    public int draw(float[] probs) {
        return sample(probs);
    }
}
