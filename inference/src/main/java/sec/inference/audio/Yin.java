package sec.inference.audio;

/**
 * The pitch half of {@link ProsodyFeatures}: prosody.py's {@code yin_all} and its helpers, in the
 * same order of operations. Two passes, because telephone-band speech (the fundamental and often the
 * second harmonic filtered out) gives YIN dips at fractions of the period: the utterance's period
 * is the median of the frames' deepest minima, and each frame then takes its deepest minimum within
 * octave_reach octaves of it. Immutable and thread-safe.
 */
final class Yin {

    private final ProsodySettings s;
    private final double reachDown; // 2 ** -octave_reach
    private final double reachUp;   // 2 ** octave_reach

    Yin(ProsodySettings s) {
        this.s = s;
        this.reachDown = StrictMath.pow(2.0, -s.octaveReach());
        this.reachUp = StrictMath.pow(2.0, s.octaveReach());
    }

    /**
     * Fills f0 (Hz) and aperiodicity of the active frames (the others keep what the caller put
     * there: prosody.py's 0 and 1). Frames without a minimum in the octave window keep them too.
     */
    void track(double[] x, boolean[] active, int frames, double[] f0, double[] ap) {
        int count = 0;
        for (int t = 0; t < frames; t++) {
            if (active[t]) {
                count++;
            }
        }
        if (count == 0) {
            return;
        }
        int lagCount = s.tauMax() + 1;
        double[] cmns = new double[count * lagCount]; // the normalised difference of every active frame
        double[] d = new double[lagCount];
        int[] frameOf = new int[count];
        double[] lags = new double[count];
        int nLags = 0;
        for (int t = 0, j = 0; t < frames; t++) {
            if (!active[t]) {
                continue;
            }
            frameOf[j] = t;
            int start = t * s.hop();
            for (int tau = 1; tau <= s.tauMax(); tau++) {
                d[tau] = squaredDifference(x, start, start + tau, s.window());
            }
            int off = j * lagCount;
            normalisedDifference(d, cmns, off);
            int tau = deepestMinimum(cmns, off, s.tauMin(), s.tauMax());
            if (tau > 0 && cmns[off + tau] < s.voicedMax()) {
                lags[nLags++] = tau;
            }
            j++;
        }
        if (nLags == 0) {
            return;
        }
        double t0 = ProsodyFeatures.percentile(lags, nLags, 50);
        int lo = (int) Math.floor(t0 * reachDown);
        int hi = (int) Math.ceil(t0 * reachUp);
        for (int j = 0; j < count; j++) {
            int off = j * lagCount;
            int tau = deepestMinimum(cmns, off, lo, hi);
            if (tau > 0) {
                double a = cmns[off + tau - 1];
                double b = cmns[off + tau];
                double c = cmns[off + tau + 1];
                double den = a - 2 * b + c;
                double frac = den > 0 ? tau + 0.5 * (a - c) / den : (double) tau;
                f0[frameOf[j]] = s.sampleRate() / frac;
                ap[frameOf[j]] = b;
            }
        }
    }

    /**
     * sum over i < n of (x[a + i] - x[b + i])^2, added up as numpy's einsum('ij,ij->i') does (its
     * two-lane SIMD loop, unrolled by four: lane 0 takes the even terms, lane 1 the odd ones, and
     * the lanes are added at the end), so the YIN decisions fall exactly where Python's do.
     */
    static double squaredDifference(double[] x, int a, int b, int n) {
        double s0 = 0.0;
        double s1 = 0.0;
        int i = 0;
        for (; n - i >= 8; i += 8) {
            double d0 = x[a + i] - x[b + i];
            double d1 = x[a + i + 1] - x[b + i + 1];
            double d2 = x[a + i + 2] - x[b + i + 2];
            double d3 = x[a + i + 3] - x[b + i + 3];
            double d4 = x[a + i + 4] - x[b + i + 4];
            double d5 = x[a + i + 5] - x[b + i + 5];
            double d6 = x[a + i + 6] - x[b + i + 6];
            double d7 = x[a + i + 7] - x[b + i + 7];
            s0 = d0 * d0 + (d2 * d2 + (d4 * d4 + (d6 * d6 + s0)));
            s1 = d1 * d1 + (d3 * d3 + (d5 * d5 + (d7 * d7 + s1)));
        }
        for (; i < n; i += 2) {
            double d0 = x[a + i] - x[b + i];
            s0 = d0 * d0 + s0;
            if (i + 1 < n) {
                double d1 = x[a + i + 1] - x[b + i + 1];
                s1 = d1 * d1 + s1;
            }
        }
        return s0 + s1;
    }

    /** YIN's cumulative-mean-normalised difference of d[0..tau_max] into cmn[off..] (index 0 is 1). */
    void normalisedDifference(double[] d, double[] cmn, int off) {
        cmn[off] = 1.0;
        double total = 0.0;
        for (int tau = 1; tau <= s.tauMax(); tau++) {
            total += d[tau];
            cmn[off + tau] = total > 0 ? d[tau] * tau / total : 1.0;
        }
    }

    /** The deepest interior local minimum of cmn over lags lo..hi (both bounds excluded), or -1. */
    int deepestMinimum(double[] cmn, int off, int lo, int hi) {
        int tau = -1;
        double best = 2.0;
        int end = Math.min(hi, s.tauMax());
        for (int k = Math.max(lo, s.tauMin()) + 1; k < end; k++) {
            double v = cmn[off + k];
            if (v <= cmn[off + k - 1] && v < cmn[off + k + 1] && v < best) {
                tau = k;
                best = v;
            }
        }
        return tau;
    }
}
