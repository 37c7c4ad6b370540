package sec.inference.decode;

/** Softmax statistics over one row of logits, computed in double as the recipe does. */
public final class Logits {
    private Logits() {}

    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Softmax probabilities (double precision, then float). */
    public static float[] softmax(float[] logits) {
        double max = logits[argmax(logits)];
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        float[] p = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }

    /** Entropy H = -sum p log p in nats. */
    public static double entropy(float[] logits) {
        double max = logits[argmax(logits)];
        double sum = 0;
        double weighted = 0;
        for (float l : logits) {
            double z = l - max;
            double e = Math.exp(z);
            sum += e;
            weighted += e * z;
        }
        return Math.log(sum) - weighted / sum;
    }

    /** Log-probability of one token. */
    public static double logProb(float[] logits, int token) {
        double max = logits[argmax(logits)];
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return logits[token] - max - Math.log(sum);
    }

    /** 0-based rank of a token: how many tokens have a strictly larger logit. */
    public static int rank(float[] logits, int token) {
        float v = logits[token];
        int r = 0;
        for (float l : logits) {
            if (l > v) {
                r++;
            }
        }
        return r;
    }
}
