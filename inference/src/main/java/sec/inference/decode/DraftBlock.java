package sec.inference.decode;

/**
 * Tokens the drafter proposes in one block, with each token's entropy and (for speculative
 * sampling only) the drafter's full probability row.
 */
public record DraftBlock(long[] tokens, float[] entropies, float[][] drafterProbs) {
    public int length() {
        return tokens.length;
    }

    public float maxEntropy() {
        float max = Float.NEGATIVE_INFINITY;
        for (float e : entropies) {
            max = Math.max(max, e);
        }
        return max;
    }
}
