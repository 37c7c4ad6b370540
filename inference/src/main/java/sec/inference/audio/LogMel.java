package sec.inference.audio;

/**
 * The recipe's log-mel features ({@code audio.log_mel} in models/recipe/audio.py), reproduced step
 * by step in double precision and cast to float at the end, as numpy does: frames of n_fft samples
 * every hop samples starting at sample 0 (no centering, trailing partial frame dropped), periodic
 * Hann window, |rfft|^2, HTK-mel triangular filters with peak 1, natural log of
 * max(mel power, log_floor). Immutable and thread-safe; scratch space is allocated once per call
 * (per utterance), not per frame.
 */
public final class LogMel {

    private final MelSettings settings;
    private final RealFft fft;
    private final double[] window;
    private final int[] filterStart;    // first bin with a non-zero weight, per mel band
    private final double[][] filterWeights;
    private final double[][] filterbank; // dense copy for inspection
    private final float floorValue;

    public LogMel(MelSettings settings) {
        this.settings = settings;
        int nFft = settings.nFft();
        if (Integer.bitCount(nFft) != 1) {
            throw new IllegalArgumentException("n_fft must be a power of two, got " + nFft);
        }
        this.fft = new RealFft(nFft);
        this.window = new double[nFft];
        for (int i = 0; i < nFft; i++) {
            // numpy: 0.5 - 0.5 * cos(2.0 * pi * arange(N) / N), evaluated left to right
            window[i] = 0.5 - 0.5 * Math.cos(2.0 * Math.PI * i / nFft);
        }
        this.filterbank = melFilterbank(settings);
        int bins = nFft / 2 + 1;
        this.filterStart = new int[settings.nMels()];
        this.filterWeights = new double[settings.nMels()][];
        for (int m = 0; m < settings.nMels(); m++) {
            int lo = 0;
            while (lo < bins && filterbank[m][lo] == 0.0) {
                lo++;
            }
            int hi = bins;
            while (hi > lo && filterbank[m][hi - 1] == 0.0) {
                hi--;
            }
            filterStart[m] = lo;
            filterWeights[m] = java.util.Arrays.copyOfRange(filterbank[m], lo, hi);
        }
        this.floorValue = (float) Math.log(settings.logFloor());
    }

    /** The front end of models/recipe/audio.py. */
    public static LogMel recipe() {
        return new LogMel(MelSettings.recipeDefaults());
    }

    public MelSettings settings() {
        return settings;
    }

    public int nMels() {
        return settings.nMels();
    }

    /** log(log_floor) as float: the value of silence, and the manifest's padding value. */
    public float floorValue() {
        return floorValue;
    }

    /** Frames produced for {@code n} samples. */
    public int frameCount(int n) {
        return settings.frameCount(n);
    }

    /** A copy of the [n_mels][n_fft/2 + 1] filter matrix, in double. */
    public double[][] filterbank() {
        double[][] copy = new double[filterbank.length][];
        for (int m = 0; m < copy.length; m++) {
            copy[m] = filterbank[m].clone();
        }
        return copy;
    }

    /** A copy of the analysis window, in double. */
    public double[] window() {
        return window.clone();
    }

    /** Log-mel features [frames][n_mels] of samples at the settings' rate, in [-1, 1]. */
    public float[][] compute(float[] samples) {
        return compute(samples, 0, samples.length);
    }

    /** Log-mel features of {@code samples[offset, offset + length)}. */
    public float[][] compute(float[] samples, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > samples.length) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + length + " of " + samples.length);
        }
        int nFft = settings.nFft();
        int hop = settings.hopLength();
        int frames = frameCount(length);
        float[][] out = new float[frames][settings.nMels()];
        if (frames == 0) {
            return out;
        }
        double floor = settings.logFloor();
        double[] frame = new double[nFft];
        double[] re = new double[nFft / 2];
        double[] im = new double[nFft / 2];
        double[] power = new double[fft.bins()];
        for (int f = 0; f < frames; f++) {
            int start = offset + f * hop;
            for (int i = 0; i < nFft; i++) {
                frame[i] = samples[start + i] * window[i];
            }
            fft.powerSpectrum(frame, re, im, power);
            float[] row = out[f];
            for (int m = 0; m < row.length; m++) {
                double[] w = filterWeights[m];
                int k0 = filterStart[m];
                double sum = 0.0;
                for (int i = 0; i < w.length; i++) {
                    sum += w[i] * power[k0 + i];
                }
                row[m] = (float) Math.log(Math.max(sum, floor));
            }
        }
        return out;
    }

    /** HTK mel of a frequency in Hz. */
    public static double hzToMel(double hz) {
        return 2595.0 * Math.log10(1.0 + hz / 700.0);
    }

    /** Frequency in Hz of an HTK mel value. */
    public static double melToHz(double mel) {
        return 700.0 * (Math.pow(10.0, mel / 2595.0) - 1.0);
    }

    /**
     * The recipe's {@code mel_filterbank}: band edges equally spaced in HTK mel (numpy linspace:
     * start + i * step, last edge exactly the stop), triangles evaluated on the rfft bin frequencies.
     */
    static double[][] melFilterbank(MelSettings s) {
        int bins = s.nFft() / 2 + 1;
        int points = s.nMels() + 2;
        double melLo = hzToMel(s.fMin());
        double melHi = hzToMel(s.fMax());
        double step = (melHi - melLo) / (points - 1);
        double[] edges = new double[points];
        for (int i = 0; i < points; i++) {
            edges[i] = melToHz(i == points - 1 ? melHi : i * step + melLo);
        }
        double[][] fb = new double[s.nMels()][bins];
        for (int m = 0; m < s.nMels(); m++) {
            double lo = edges[m];
            double mid = edges[m + 1];
            double hi = edges[m + 2];
            for (int k = 0; k < bins; k++) {
                // numpy: arange(bins) * sample_rate / n_fft, integer product then true division
                double f = (double) ((long) k * s.sampleRate()) / s.nFft();
                double up = (f - lo) / (mid - lo);
                double down = (hi - f) / (hi - mid);
                fb[m][k] = Math.max(0.0, Math.min(up, down));
            }
        }
        return fb;
    }
}
