package sec.inference.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ResamplerTest {

    static float[] sine(double hz, double amplitude, int rate, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate + 0.4));
        }
        return x;
    }

    /** Amplitude of the {@code hz} component over x[from, from + n): a single-bin DFT (correlation). */
    static double amplitudeAt(float[] x, double hz, int rate, int from, int n) {
        double c = 0;
        double s = 0;
        for (int i = from; i < from + n; i++) {
            double a = 2 * Math.PI * hz * i / rate;
            c += x[i] * Math.cos(a);
            s += x[i] * Math.sin(a);
        }
        return 2 * Math.hypot(c, s) / n;
    }

    static double rms(float[] x, int from, int n) {
        double sum = 0;
        for (int i = from; i < from + n; i++) {
            sum += (double) x[i] * x[i];
        }
        return Math.sqrt(sum / n);
    }

    @ParameterizedTest
    @CsvSource({"48000, 8000, 440", "44100, 8000, 440", "16000, 8000, 1000", "11025, 8000, 3000",
                "8000, 16000, 1000", "22050, 8000, 3500", "8000, 44100, 3000"})
    void toneKeepsFrequencyAndAmplitude(int from, int to, double hz) {
        float[] in = sine(hz, 0.5, from, from); // one second
        float[] out = new Resampler(from, to).process(in);
        assertEquals(to, out.length);
        // half a second in the middle (whole cycles of a 1 Hz grid), far from the zero-padded edges
        int start = to / 4;
        int n = to / 2;
        double amp = amplitudeAt(out, hz, to, start, n);
        assertEquals(0.5, amp, 0.005, "amplitude of " + hz + " Hz after " + from + " -> " + to);
        // the energy sits at hz, not at a neighbouring frequency
        assertTrue(amplitudeAt(out, hz - 10, to, start, n) < 0.01);
        assertTrue(amplitudeAt(out, hz + 10, to, start, n) < 0.01);
        assertEquals(0.5 / Math.sqrt(2), rms(out, start, n), 0.005);
    }

    @ParameterizedTest
    @CsvSource({"48000, 8000, 6000", "16000, 8000, 5000", "44100, 8000, 9000", "11025, 8000, 4800"})
    void contentAboveTheTargetNyquistIsRemoved(int from, int to, double hz) {
        float[] in = sine(hz, 0.5, from, from);
        float[] out = new Resampler(from, to).process(in);
        double inRms = rms(in, 0, in.length);
        double outRms = rms(out, to / 4, to / 2);
        double db = 20 * Math.log10(outRms / inRms);
        assertTrue(db < -40, hz + " Hz after " + from + " -> " + to + " only attenuated by " + db + " dB");
    }

    @Test
    void upsamplingLeavesNoImage() {
        // an 8 kHz signal at 3 kHz has a spectral image at 5 kHz once the rate is doubled
        float[] out = Resampler.resample(sine(3000, 0.5, 8000, 8000), 8000, 16000);
        double tone = amplitudeAt(out, 3000, 16000, 4000, 8000);
        double image = amplitudeAt(out, 5000, 16000, 4000, 8000);
        assertEquals(0.5, tone, 0.005);
        assertTrue(image < 0.005 * tone, "image at 5 kHz: " + image);
    }

    @Test
    void constantStaysConstant() {
        float[] in = new float[4800];
        java.util.Arrays.fill(in, 0.3f);
        float[] out = Resampler.resample(in, 48000, 8000);
        for (int i = 100; i < 700; i++) {
            assertEquals(0.3f, out[i], 1e-6f, "sample " + i);
        }
    }

    @Test
    void lengthsAreRounded() {
        assertEquals(167, new Resampler(48000, 8000).outputLength(1000)); // 166.67
        assertEquals(166, new Resampler(48000, 8000).outputLength(997));  // 166.17
        assertEquals(8000, new Resampler(44100, 8000).outputLength(44100));
        assertEquals(73, new Resampler(11025, 8000).outputLength(100));   // 72.56
        assertEquals(2000, new Resampler(8000, 16000).outputLength(1000));
        assertEquals(0, Resampler.resample(new float[0], 16000, 8000).length);
        assertEquals(1, Resampler.resample(new float[] {0.5f}, 16000, 8000).length); // 0.5 rounds up
        for (int n : new int[] {1, 2, 3, 159, 160, 161, 12345}) {
            assertEquals(Math.round(n * 8000.0 / 44100.0), Resampler.resample(new float[n], 44100, 8000).length);
        }
    }

    @Test
    void identityWhenRatesMatch() {
        float[] in = sine(440, 0.5, 8000, 1000);
        float[] out = Resampler.resample(in, 8000, 8000);
        assertNotSame(in, out);
        assertArrayEquals(in, out);
        PcmAudio a = PcmAudio.mono(8000, in);
        assertSame(a, Resampler.resample(a, 8000));
    }

    @Test
    void resamplesEveryChannelAndIsDeterministic() {
        PcmAudio a = new PcmAudio(16000, new float[][] {sine(300, 0.5, 16000, 3200), sine(900, 0.2, 16000, 3200)});
        PcmAudio b = Resampler.resample(a, 8000);
        assertEquals(8000, b.sampleRate());
        assertEquals(2, b.channelCount());
        assertEquals(1600, b.frames());
        assertEquals(0.2, amplitudeAt(b.channel(1), 900, 8000, 400, 800), 0.003);
        assertArrayEquals(b.channel(0), Resampler.resample(a, 8000).channel(0));
    }

    @Test
    void unusualRatioUsesUntabulatedTaps() {
        // 8001 -> 8000 has 8000 phases, more than are tabulated
        float[] out = Resampler.resample(sine(500, 0.5, 8001, 8001), 8001, 8000);
        assertEquals(8000, out.length);
        assertEquals(0.5, amplitudeAt(out, 500, 8000, 2000, 4000), 0.005);
    }

    @Test
    void rejectsNonPositiveRates() {
        assertThrows(IllegalArgumentException.class, () -> new Resampler(0, 8000));
        assertThrows(IllegalArgumentException.class, () -> new Resampler(8000, -1));
    }
}
