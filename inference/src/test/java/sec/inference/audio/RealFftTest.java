package sec.inference.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RealFftTest {

    @ParameterizedTest
    @ValueSource(ints = {4, 8, 16, 256, 1024})
    void matchesADirectDft(int n) {
        Random rnd = new Random(n);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextGaussian();
        }
        RealFft fft = new RealFft(n);
        double[] power = new double[fft.bins()];
        fft.powerSpectrum(x, new double[n / 2], new double[n / 2], power);
        for (int k = 0; k <= n / 2; k++) {
            double re = 0;
            double im = 0;
            for (int i = 0; i < n; i++) {
                double a = -2 * Math.PI * ((long) k * i % n) / n;
                re += x[i] * Math.cos(a);
                im += x[i] * Math.sin(a);
            }
            double want = re * re + im * im;
            assertEquals(want, power[k], 1e-9 * n, "n=" + n + " bin " + k);
        }
    }

    @Test
    void rejectsSizesThatAreNotPowersOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new RealFft(200));
        assertThrows(IllegalArgumentException.class, () -> new RealFft(2));
    }
}
