package sec.inference.audio;

/**
 * Rational-rate resampling with a Kaiser-windowed sinc low-pass, so that content above the lower
 * of the two Nyquist frequencies is removed instead of aliasing into the band the model sees.
 *
 * <p>Output sample j sits at input time j * from / to; its value is the dot product of the input
 * around that time with the kernel shifted by the fractional part. With the rates reduced by their
 * gcd there are only {@code to/gcd} distinct fractional parts, so the kernel taps are tabulated once
 * per instance (polyphase). Each phase is normalised to unit sum (exact DC gain). Samples outside
 * the input count as zero. Instances are immutable and thread-safe; {@link #process} allocates only
 * its output.
 */
public final class Resampler {

    /** Zero crossings of the sinc on each side of the centre: a sharp transition at modest cost. */
    public static final int ZERO_CROSSINGS = 32;
    /** Kaiser beta of about 8 gives roughly 80 dB of stop-band attenuation. */
    public static final double KAISER_BETA = 8.0;
    /** Above this many phases the table would be large; taps are then computed per output sample. */
    private static final int MAX_TABULATED_PHASES = 4096;
    private static final double I0_BETA = besselI0(KAISER_BETA);

    private final int from;
    private final int to;
    private final int up;     // to / gcd: phases
    private final int down;   // from / gcd: input step per output, in units of 1/up
    private final double cutoff;     // cycles per input sample
    private final double halfWidth;  // kernel half width in input samples
    private final int taps;          // taps per output sample
    private final double[][] table;  // [phase][tap], null when identity or too many phases

    public Resampler(int fromRate, int toRate) {
        if (fromRate <= 0 || toRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive: " + fromRate + " -> " + toRate);
        }
        this.from = fromRate;
        this.to = toRate;
        int g = gcd(fromRate, toRate);
        this.up = toRate / g;
        this.down = fromRate / g;
        this.cutoff = 0.5 * Math.min(1.0, toRate / (double) fromRate);
        this.halfWidth = ZERO_CROSSINGS / (2.0 * cutoff);
        this.taps = 2 * (int) Math.ceil(halfWidth);
        if (fromRate == toRate || up > MAX_TABULATED_PHASES) {
            this.table = null;
        } else {
            this.table = new double[up][];
            for (int p = 0; p < up; p++) {
                table[p] = phaseTaps(p, new double[taps]);
            }
        }
    }

    /** One-off convenience; build a {@code Resampler} once when converting many buffers. */
    public static float[] resample(float[] samples, int fromRate, int toRate) {
        return new Resampler(fromRate, toRate).process(samples);
    }

    /** Resamples every channel to {@code toRate} (the same object when the rate already matches). */
    public static PcmAudio resample(PcmAudio audio, int toRate) {
        if (audio.sampleRate() == toRate) {
            return audio;
        }
        Resampler r = new Resampler(audio.sampleRate(), toRate);
        float[][] out = new float[audio.channelCount()][];
        for (int c = 0; c < out.length; c++) {
            out[c] = r.process(audio.channel(c));
        }
        return new PcmAudio(toRate, out);
    }

    public int fromRate() {
        return from;
    }

    public int toRate() {
        return to;
    }

    /** round(n * to / from), halves rounded up. */
    public int outputLength(int n) {
        return (int) (((long) n * to + from / 2) / from);
    }

    /** Resampled copy of {@code in}; a plain copy when the rates match. */
    public float[] process(float[] in) {
        if (from == to) {
            return in.clone();
        }
        int outLen = outputLength(in.length);
        float[] out = new float[outLen];
        int half = taps / 2;
        double[] scratch = table == null ? new double[taps] : null;
        for (int j = 0; j < outLen; j++) {
            long t = (long) j * down;        // input time in units of 1/up
            int base = (int) (t / up);       // input sample at or before the output time
            int phase = (int) (t % up);
            double[] h = table != null ? table[phase] : phaseTaps(phase, scratch);
            int first = base - half + 1;     // h[i] weights input sample first + i
            int lo = Math.max(0, -first);
            int hi = Math.min(taps, in.length - first);
            double acc = 0.0;
            for (int i = lo; i < hi; i++) {
                acc += h[i] * in[first + i];
            }
            out[j] = (float) acc;
        }
        return out;
    }

    /** Taps for fractional position phase/up past the base sample, normalised to unit sum. */
    private double[] phaseTaps(int phase, double[] h) {
        double frac = phase / (double) up;
        int half = taps / 2;
        double sum = 0.0;
        for (int i = 0; i < taps; i++) {
            double d = frac + (half - 1 - i);  // output time minus the time of input sample first + i
            double v = kernel(d);
            h[i] = v;
            sum += v;
        }
        for (int i = 0; i < taps; i++) {
            h[i] /= sum;
        }
        return h;
    }

    private double kernel(double d) {
        double r = Math.abs(d) / halfWidth;
        if (r >= 1.0) {
            return 0.0;
        }
        double x = 2.0 * cutoff * d;
        double sinc = x == 0.0 ? 1.0 : Math.sin(Math.PI * x) / (Math.PI * x);
        double w = besselI0(KAISER_BETA * Math.sqrt(1.0 - r * r)) / I0_BETA;
        return 2.0 * cutoff * sinc * w;
    }

    /** Modified Bessel function of the first kind, order 0 (power series; converges fast for beta ~ 8). */
    static double besselI0(double x) {
        double sum = 1.0;
        double term = 1.0;
        double q = x * x / 4.0;
        for (int k = 1; k < 200; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
