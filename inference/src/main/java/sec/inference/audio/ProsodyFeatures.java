package sec.inference.audio;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The prosody front end: what a listener hears of emotion that 40 log-mel bands carry only
 * coarsely. Reproduces models/recipe/prosody.py step by step in double precision: per 10 ms frame,
 * energy and a YIN pitch estimate with a voicing decision ({@link Yin}); per utterance, a vector of
 * statistics (pitch level and spread, loudness, voicing, pauses, rate) and, from
 * {@link #withBaseline}, the deviation from the speaker's running baseline ({@link SpeakerBaseline}).
 * Sums run in numpy's order (pairwise for {@code np.mean}, the einsum lane order for YIN) so that the
 * threshold decisions (speech gate, voicing, minima) fall where Python's do and the values agree to
 * rounding. Immutable and thread-safe; scratch space is allocated per call (per utterance).
 */
public final class ProsodyFeatures {

    /** prosody.NAMES: every prosody value this front end computes, in order (a bundle takes these or some of them: {@link ProsodySettings#select}). */
    public static final List<String> NAMES = List.of("f0_median", "f0_p10", "f0_p90", "f0_spread", "f0_delta",
            "level", "energy_p90", "energy_spread", "voiced_ratio", "pause_ratio", "pause_rate", "pause_ms",
            "syllable_rate", "speech_s", "span_s", "voiced", "has_baseline", "f0_vs_baseline", "level_vs_baseline",
            "spread_vs_baseline");
    public static final int DIM = 20;
    /** The entries computed from the utterance alone; the last four come from the speaker baseline. */
    public static final int UTTERANCE_DIM = DIM - 4;
    /** Each deviation from the speaker baseline and the stat it is the deviation of. */
    public static final java.util.Map<String, String> VS_BASELINE = java.util.Map.of(
            "f0_vs_baseline", "f0_median", "level_vs_baseline", "level", "spread_vs_baseline", "f0_spread");
    /** prosody.BASELINE_FROM: the stats the speaker baseline keeps running means of. */
    public static final java.util.Set<String> BASELINE_FROM = java.util.Set.copyOf(VS_BASELINE.values());

    public static final int F0_MEDIAN = 0;
    public static final int F0_P10 = 1;
    public static final int F0_P90 = 2;
    public static final int F0_SPREAD = 3;
    public static final int F0_DELTA = 4;
    public static final int LEVEL = 5;
    public static final int ENERGY_P90 = 6;
    public static final int ENERGY_SPREAD = 7;
    public static final int VOICED_RATIO = 8;
    public static final int PAUSE_RATIO = 9;
    public static final int PAUSE_RATE = 10;
    public static final int PAUSE_MS = 11;
    public static final int SYLLABLE_RATE = 12;
    public static final int SPEECH_S = 13;
    public static final int SPAN_S = 14;
    public static final int VOICED = 15;
    public static final int HAS_BASELINE = 16;
    public static final int F0_VS_BASELINE = 17;
    public static final int LEVEL_VS_BASELINE = 18;
    public static final int SPREAD_VS_BASELINE = 19;

    private static final double SEMITONES_PER_OCTAVE = 12.0;
    private static final double MAX_STEP_SEMITONES = 12.0; // f0_delta: an octave jump counts as one octave
    private static final double LN2 = Math.log(2.0);

    private final ProsodySettings settings;
    private final Yin yin;
    private final double framesPerSecond; // prosody.py's 100.0
    private final double msPerFrame;      // and 10.0

    public ProsodyFeatures(ProsodySettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.yin = new Yin(settings);
        this.framesPerSecond = (double) settings.sampleRate() / settings.hop();
        this.msPerFrame = 1000.0 * settings.hop() / settings.sampleRate();
    }

    /** The front end of models/recipe/prosody.py. */
    public static ProsodyFeatures recipe() {
        return new ProsodyFeatures(ProsodySettings.recipeDefaults());
    }

    public ProsodySettings settings() {
        return settings;
    }

    /**
     * prosody.analyse: the utterance statistics and the pitch track of samples at the settings' rate,
     * in [-1, 1]. Too short for one pitch frame, or without a frame over the speech gate (a cut with
     * no quieter stretch to measure the line's floor by, such as steady noise): all zeros.
     */
    public Prosody analyse(float[] samples) {
        Objects.requireNonNull(samples, "samples");
        double[] out = new double[UTTERANCE_DIM];
        float[][] track = new float[settings.melFrameCount(samples.length)][2];
        int n = settings.frameCount(samples.length);
        if (n == 0) {
            return new Prosody(out, track);
        }
        double[] x = new double[samples.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = samples[i];
        }
        double[] e = frameEnergyDb(x, n);
        double gate = speechGate(e);
        boolean[] active = new boolean[n];
        int activeCount = 0;
        for (int t = 0; t < n; t++) {
            active[t] = e[t] > gate;
            activeCount += active[t] ? 1 : 0;
        }
        if (activeCount == 0) {
            return new Prosody(out, track);
        }
        double[] f0 = new double[n];
        double[] ap = new double[n];
        Arrays.fill(ap, 1.0);
        yin.track(x, active, n, f0, ap);
        boolean[] voiced = new boolean[n];
        int voicedCount = 0;
        int first = -1;
        int last = -1;
        double[] ea = new double[activeCount];
        double[] power = new double[activeCount];
        for (int t = 0, j = 0; t < n; t++) {
            voiced[t] = active[t] && ap[t] < settings.voicedMax();
            voicedCount += voiced[t] ? 1 : 0;
            if (active[t]) {
                first = first < 0 ? t : first;
                last = t;
                ea[j] = e[t];
                power[j++] = StrictMath.pow(10, e[t] / 10);
            }
        }
        int span = last - first + 1;
        out[LEVEL] = 10 * StrictMath.log10(mean(power, activeCount));
        double[] sorted = sorted(ea, activeCount);
        out[ENERGY_P90] = percentileOfSorted(sorted, 90);
        out[ENERGY_SPREAD] = percentileOfSorted(sorted, 90) - percentileOfSorted(sorted, 10);
        out[VOICED_RATIO] = (double) voicedCount / activeCount;
        out[PAUSE_RATIO] = (double) (span - activeCount) / span; // every inactive frame in the span is inside
        int gaps = 0;
        long gapFrames = 0;
        for (int t = first, run = 0; t <= last + 1; t++) {
            if (t <= last && !active[t]) {
                run++;
            } else {
                if (run >= settings.pauseMinFrames()) {
                    gaps++;
                    gapFrames += run;
                }
                run = 0;
            }
        }
        out[SPAN_S] = span / framesPerSecond;
        out[SPEECH_S] = activeCount / framesPerSecond;
        out[PAUSE_RATE] = gaps / out[SPAN_S];
        out[PAUSE_MS] = gaps > 0 ? msPerFrame * ((double) gapFrames / gaps) : 0.0;
        out[SYLLABLE_RATE] = nuclei(e, active) / out[SPEECH_S];
        if (voicedCount >= settings.minVoiced()) {
            double[] st = new double[voicedCount];
            for (int t = 0, j = 0; t < n; t++) {
                if (voiced[t]) {
                    st[j++] = SEMITONES_PER_OCTAVE * log2(f0[t] / settings.f0RefHz());
                }
            }
            double[] sortedSt = sorted(st, voicedCount);
            out[F0_MEDIAN] = percentileOfSorted(sortedSt, 50);
            out[F0_P10] = percentileOfSorted(sortedSt, 10);
            out[F0_P90] = percentileOfSorted(sortedSt, 90);
            out[F0_SPREAD] = out[F0_P90] - out[F0_P10];
            // mean absolute semitone step between neighbouring voiced frames (intonation movement)
            double[] steps = new double[n];
            int nSteps = 0;
            for (int t = 0; t + 1 < n; t++) {
                if (voiced[t] && voiced[t + 1]) {
                    double step = Math.abs(SEMITONES_PER_OCTAVE * log2(f0[t + 1] / f0[t]));
                    steps[nSteps++] = Math.min(step, MAX_STEP_SEMITONES);
                }
            }
            if (nSteps > 0) {
                out[F0_DELTA] = mean(steps, nSteps);
            }
            out[VOICED] = 1.0;
            for (int t = 0, j = 0; t < n; t++) {
                if (voiced[t]) {
                    track[t][0] = (float) ((st[j++] - out[F0_MEDIAN]) / settings.pitchTrackScale());
                    track[t][1] = 1.0f;
                }
            }
        }
        return new Prosody(out, track);
    }

    /**
     * prosody.with_baseline: the full vector, the utterance stats then (has_baseline, f0_median minus
     * the baseline's, level minus the baseline's, f0_spread minus the baseline's). No baseline (null):
     * the last four are 0. The pitch deviations are 0 when this utterance or the baseline has too
     * little voicing (a baseline restored from before it kept the spread has no spread yet: 0 too).
     */
    public static double[] withBaseline(double[] stats, SpeakerBaseline.Value baseline) {
        if (stats == null || stats.length < UTTERANCE_DIM) {
            throw new IllegalArgumentException("need the " + UTTERANCE_DIM + " utterance stats, got "
                    + (stats == null ? null : stats.length));
        }
        double[] v = new double[DIM];
        System.arraycopy(stats, 0, v, 0, UTTERANCE_DIM);
        if (baseline != null) {
            v[HAS_BASELINE] = 1.0;
            boolean pitched = stats[VOICED] > 0;
            v[F0_VS_BASELINE] = pitched && baseline.f0() != null ? stats[F0_MEDIAN] - baseline.f0() : 0.0;
            v[LEVEL_VS_BASELINE] = stats[LEVEL] - baseline.level();
            v[SPREAD_VS_BASELINE] = pitched && baseline.spread() != null ? stats[F0_SPREAD] - baseline.spread() : 0.0;
        }
        return v;
    }

    /** Level (dBFS) of each pitch frame's first {@code window} samples: 10 log10(mean(x^2) + 1e-10). */
    private double[] frameEnergyDb(double[] x, int n) {
        int w = settings.window();
        double[] sq = new double[w];
        double[] e = new double[n];
        for (int t = 0; t < n; t++) {
            int start = t * settings.hop();
            for (int i = 0; i < w; i++) {
                sq[i] = x[start + i] * x[start + i];
            }
            e[t] = 10.0 * StrictMath.log10(mean(sq, w) + 1e-10);
        }
        return e;
    }

    /**
     * Frames louder than this (dB) are speech: within active_below_peak_db of the 95th percentile,
     * noise_margin_db over the 5th (the line's floor when the cut has any silence), over the floor.
     */
    private double speechGate(double[] e) {
        double[] s = sorted(e, e.length);
        return Math.max(settings.energyFloorDb(), Math.max(percentileOfSorted(s, 95) - settings.activeBelowPeakDb(),
                percentileOfSorted(s, 5) + settings.noiseMarginDb()));
    }

    /**
     * Syllable nuclei: active frames of the smoothed level (each frame averaged with its neighbours)
     * that are the loudest within +-nucleus_half frames (the first of equal neighbours) and stand
     * nucleus_dip_db over the quietest frame on each side within nucleus_reach frames.
     */
    private int nuclei(double[] level, boolean[] active) {
        int n = level.length;
        double[] e = new double[n];
        for (int t = 0; t < n; t++) {
            int lo = Math.max(0, t - 1);
            int hi = Math.min(n, t + 2);
            double sum = 0.0;
            for (int i = lo; i < hi; i++) {
                sum += level[i];
            }
            e[t] = sum / (hi - lo);
        }
        int half = settings.nucleusHalf();
        int reach = settings.nucleusReach();
        int count = 0;
        for (int t = 0; t < n; t++) {
            if (!active[t]) {
                continue;
            }
            int lo = Math.max(0, t - half);
            int hi = Math.min(n, t + half + 1);
            if (e[t] < max(e, lo, hi) || (t > lo && e[t - 1] == e[t])) {
                continue;
            }
            double left = min(e, Math.max(0, t - reach), t + 1);
            double right = min(e, t, Math.min(n, t + reach + 1));
            if (e[t] - left >= settings.nucleusDipDb() && e[t] - right >= settings.nucleusDipDb()) {
                count++;
            }
        }
        return count;
    }

    /** prosody.percentile: linear interpolation between closest ranks (numpy's default). */
    static double percentile(double[] v, int n, int q) {
        return percentileOfSorted(sorted(v, n), q);
    }

    private static double percentileOfSorted(double[] s, int q) {
        double pos = (s.length - 1L) * q / 100.0;
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }

    private static double[] sorted(double[] v, int n) {
        double[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return s;
    }

    /** np.mean of v[0..n): numpy's pairwise sum over n, then / n. */
    static double mean(double[] v, int n) {
        return (0.0 + pairwiseSum(v, 0, n)) / n;
    }

    /**
     * numpy's pairwise summation (the add loop of a contiguous reduction): fewer than 8 terms in
     * order, up to 128 in eight interleaved partial sums, more split in halves rounded to 8.
     */
    static double pairwiseSum(double[] a, int from, int n) {
        if (n < 8) {
            double res = 0.0;
            for (int i = 0; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        if (n <= 128) {
            double r0 = a[from];
            double r1 = a[from + 1];
            double r2 = a[from + 2];
            double r3 = a[from + 3];
            double r4 = a[from + 4];
            double r5 = a[from + 5];
            double r6 = a[from + 6];
            double r7 = a[from + 7];
            int i = 8;
            for (; i < n - n % 8; i += 8) {
                r0 += a[from + i];
                r1 += a[from + i + 1];
                r2 += a[from + i + 2];
                r3 += a[from + i + 3];
                r4 += a[from + i + 4];
                r5 += a[from + i + 5];
                r6 += a[from + i + 6];
                r7 += a[from + i + 7];
            }
            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
    }

    private static double log2(double x) {
        return Math.log(x) / LN2;
    }

    private static double max(double[] v, int lo, int hi) {
        double m = v[lo];
        for (int i = lo + 1; i < hi; i++) {
            m = Math.max(m, v[i]);
        }
        return m;
    }

    private static double min(double[] v, int lo, int hi) {
        double m = v[lo];
        for (int i = lo + 1; i < hi; i++) {
            m = Math.min(m, v[i]);
        }
        return m;
    }
}
