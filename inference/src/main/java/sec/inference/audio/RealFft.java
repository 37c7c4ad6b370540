package sec.inference.audio;

/**
 * Power spectrum |rfft(x)|^2 of a real frame whose length is a power of two, in double. The real
 * frame is packed into a complex sequence of half the length (even samples real, odd imaginary),
 * transformed with an iterative radix-2 FFT and split back into the N/2 + 1 real-input bins. Twiddles
 * come straight from cos/sin of the exact angle (no recurrences) so the error stays near numpy's
 * pocketfft. Immutable and thread-safe; callers pass the scratch arrays so that a frame loop
 * allocates nothing.
 */
public final class RealFft {

    private final int n;
    private final int half;
    private final int[] bitReverse;
    private final double[] cosHalf;  // cos(2 pi j / half), j < half / 2
    private final double[] sinHalf;
    private final double[] cosFull; // cos(2 pi k / n), k <= half
    private final double[] sinFull;

    public RealFft(int n) {
        if (n < 4 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("FFT size must be a power of two >= 4, got " + n);
        }
        this.n = n;
        this.half = n / 2;
        int bits = Integer.numberOfTrailingZeros(half);
        bitReverse = new int[half];
        for (int i = 0; i < half; i++) {
            bitReverse[i] = bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
        }
        cosHalf = new double[Math.max(1, half / 2)];
        sinHalf = new double[cosHalf.length];
        for (int j = 0; j < cosHalf.length; j++) {
            double a = 2.0 * Math.PI * j / half;
            cosHalf[j] = Math.cos(a);
            sinHalf[j] = Math.sin(a);
        }
        cosFull = new double[half + 1];
        sinFull = new double[half + 1];
        for (int k = 0; k <= half; k++) {
            double a = 2.0 * Math.PI * k / n;
            cosFull[k] = Math.cos(a);
            sinFull[k] = Math.sin(a);
        }
    }

    public int size() {
        return n;
    }

    /** Number of real-input bins, n / 2 + 1. */
    public int bins() {
        return half + 1;
    }

    /**
     * Writes |X[k]|^2 for k = 0 .. n/2 into {@code power}. {@code x} has n samples; {@code re} and
     * {@code im} are scratch arrays of at least n/2 elements.
     */
    public void powerSpectrum(double[] x, double[] re, double[] im, double[] power) {
        for (int i = 0; i < half; i++) {
            int r = bitReverse[i];
            re[r] = x[2 * i];
            im[r] = x[2 * i + 1];
        }
        for (int size = 2; size <= half; size <<= 1) {
            int h = size >> 1;
            int step = half / size;
            for (int start = 0; start < half; start += size) {
                for (int j = 0; j < h; j++) {
                    double wr = cosHalf[j * step];
                    double wi = -sinHalf[j * step];
                    int a = start + j;
                    int b = a + h;
                    double tr = wr * re[b] - wi * im[b];
                    double ti = wr * im[b] + wi * re[b];
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
        // Split: X[k] = E[k] + W^k O[k], E = (Z[k] + conj Z[half-k]) / 2, O = (Z[k] - conj Z[half-k]) / 2i
        for (int k = 0; k <= half; k++) {
            int p = k == half ? 0 : k;
            int q = k == 0 ? 0 : half - k;
            double a = re[p];
            double b = im[p];
            double c = re[q];
            double d = im[q];
            double er = 0.5 * (a + c);
            double ei = 0.5 * (b - d);
            double or = 0.5 * (b + d);
            double oi = -0.5 * (a - c);
            double wr = cosFull[k];
            double wi = -sinFull[k];
            double xr = er + wr * or - wi * oi;
            double xi = ei + wr * oi + wi * or;
            power[k] = xr * xr + xi * xi;
        }
    }
}
