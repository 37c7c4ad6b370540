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
            differences(x, start, s.window(), s.tauMax(), d);
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
     * d[tau] = squaredDifference(x, start, start + tau, n) for tau = 1..tauMax, bit for bit: four
     * lags at a time, each with its own two lanes in the same order, so the CPU overlaps eight
     * independent sums instead of waiting on two (the front end's hot loop).
     */
    static void differences(double[] x, int start, int n, int tauMax, double[] d) {
        int tau = 1;
        for (; tau + 3 <= tauMax; tau += 4) {
            int b = start + tau;
            double p0 = 0.0, p1 = 0.0, q0 = 0.0, q1 = 0.0, r0 = 0.0, r1 = 0.0, u0 = 0.0, u1 = 0.0;
            int i = 0;
            for (; n - i >= 8; i += 8) {
                p0 = chunk(x, start + i, b + i, p0);
                p1 = chunk(x, start + i + 1, b + i + 1, p1);
                q0 = chunk(x, start + i, b + i + 1, q0);
                q1 = chunk(x, start + i + 1, b + i + 2, q1);
                r0 = chunk(x, start + i, b + i + 2, r0);
                r1 = chunk(x, start + i + 1, b + i + 3, r1);
                u0 = chunk(x, start + i, b + i + 3, u0);
                u1 = chunk(x, start + i + 1, b + i + 4, u1);
            }
            d[tau] = tail(x, start, b, i, n, p0) + tail(x, start, b, i + 1, n, p1);
            d[tau + 1] = tail(x, start, b + 1, i, n, q0) + tail(x, start, b + 1, i + 1, n, q1);
            d[tau + 2] = tail(x, start, b + 2, i, n, r0) + tail(x, start, b + 2, i + 1, n, r1);
            d[tau + 3] = tail(x, start, b + 3, i, n, u0) + tail(x, start, b + 3, i + 1, n, u1);
        }
        for (; tau <= tauMax; tau++) {
            d[tau] = squaredDifference(x, start, start + tau, n);
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
            s0 = chunk(x, a + i, b + i, s0);
            s1 = chunk(x, a + i + 1, b + i + 1, s1);
        }
        return tail(x, a, b, i, n, s0) + tail(x, a, b, i + 1, n, s1);
    }

    /** One lane's share of an unrolled step: the terms at a, a+2, a+4, a+6, added last to first. */
    private static double chunk(double[] x, int a, int b, double s) {
        double d0 = x[a] - x[b];
        double d2 = x[a + 2] - x[b + 2];
        double d4 = x[a + 4] - x[b + 4];
        double d6 = x[a + 6] - x[b + 6];
        return d0 * d0 + (d2 * d2 + (d4 * d4 + (d6 * d6 + s)));
    }

    /** One lane's remainder after the unrolled steps: the terms at i, i+2, ... below n, in order. */
    private static double tail(double[] x, int a, int b, int i, int n, double s) {
        for (; i < n; i += 2) {
            double d = x[a + i] - x[b + i];
            s = d * d + s;
        }
        return s;
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
