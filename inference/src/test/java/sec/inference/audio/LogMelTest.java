package sec.inference.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogMelTest {

    private static final LogMel MEL = LogMel.recipe();

    /**
     * Compares every fixture of a parity file (parity.json from the recipe, or our own logmel.json
     * made by audio.py) with this implementation; returns the largest absolute difference.
     */
    private static double compareFixtures(Path json, double tolerance) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        JsonNode fixtures = root.get("fixtures");
        assertTrue(fixtures.size() > 0, "no fixtures in " + json);
        double worst = 0;
        for (JsonNode fx : fixtures) {
            String file = fx.get("file").asText();
            PcmAudio audio = WavReader.read(json.resolveSibling(file));
            assertEquals(fx.get("sample_rate").asInt(), audio.sampleRate(), file);
            assertEquals(MEL.settings().sampleRate(), audio.sampleRate(), file);
            if (fx.has("samples")) {
                assertEquals(fx.get("samples").asInt(), audio.frames(), file);
            }
            float[][] got = MEL.compute(audio.channel(0));
            JsonNode want = fx.get("log_mel");
            assertEquals(want.size(), got.length, file + ": frame count");
            for (int f = 0; f < got.length; f++) {
                assertEquals(MEL.nMels(), want.get(f).size(), file + ": mel count");
                for (int m = 0; m < MEL.nMels(); m++) {
                    double err = Math.abs(got[f][m] - want.get(f).get(m).doubleValue());
                    worst = Math.max(worst, err);
                    assertTrue(err < tolerance, file + " frame " + f + " mel " + m + ": java " + got[f][m]
                            + ", python " + want.get(f).get(m) + " (tolerance " + tolerance + ")");
                }
            }
        }
        return worst;
    }

    @Test
    void matchesPythonOnBundledFixtures() throws IOException {
        // audio.py's full-precision float32 output: double arithmetic on both sides leaves ulps only
        double worst = compareFixtures(TestFiles.resource("logmel.json"), 1e-4);
        System.out.println("LogMel vs audio.py (test resources): max abs error " + worst);
    }

    @Test
    void matchesRecipeParityFixtures() throws IOException {
        Path parity = TestFiles.modelsDir().resolve("parity").resolve("parity.json");
        assumeTrue(Files.isRegularFile(parity), "no parity fixtures at " + parity);
        JsonNode tol = new ObjectMapper().readTree(parity.toFile()).path("tolerance").path("log_mel_max_abs");
        double worst = compareFixtures(parity, tol.isNumber() ? tol.doubleValue() : 1e-3);
        System.out.println("LogMel vs models/parity: max abs error " + worst);
    }

    /** Centre frequency of mel band m, from the HTK formula written out independently. */
    private static double bandCentre(int m) {
        double lo = 2595 * Math.log10(1 + 60 / 700.0);
        double hi = 2595 * Math.log10(1 + 3800 / 700.0);
        double mel = lo + (m + 1) * (hi - lo) / 41;
        return 700 * (Math.pow(10, mel / 2595) - 1);
    }

    private static float[] tone(double hz, double amplitude, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / 8000 + 1.0));
        }
        return x;
    }

    @Test
    void toneEnergyLandsInItsBand() {
        for (int band : new int[] {5, 20, 33}) {
            double hz = bandCentre(band);
            float[][] mel = MEL.compute(tone(hz, 0.3, 8000));
            for (float[] row : mel) {
                int best = 0;
                for (int m = 1; m < row.length; m++) {
                    if (row[m] > row[best]) {
                        best = m;
                    }
                }
                assertEquals(band, best, "tone at " + hz + " Hz");
                // three bands away the Hann leakage is tens of dB down (natural log: 6.9 = 30 dB)
                if (band + 3 < row.length) {
                    assertTrue(row[band] - row[band + 3] > 6.9, "leakage above band " + band);
                }
                assertTrue(row[band] - row[band - 3] > 6.9, "leakage below band " + band);
            }
        }
    }

    @Test
    void powerSpectrumScalesWithTheSquareOfTheAmplitude() {
        float[][] quiet = MEL.compute(tone(1000, 0.1, 2000));
        float[][] loud = MEL.compute(tone(1000, 0.2, 2000));
        int band = 0;
        for (int m = 0; m < 40; m++) {
            if (quiet[3][m] > quiet[3][band]) {
                band = m;
            }
        }
        for (int f = 0; f < quiet.length; f++) {
            assertEquals(2 * Math.log(2), loud[f][band] - quiet[f][band], 1e-4); // |2X|^2 = 4|X|^2
        }
    }

    @Test
    void silenceIsTheLogFloor() {
        float floor = (float) Math.log(1e-6);
        assertEquals(floor, MEL.floorValue());
        for (float[] row : MEL.compute(new float[1000])) {
            for (float v : row) {
                assertEquals(floor, v);
            }
        }
    }

    @Test
    void frameCountFollowsTheRecipe() {
        for (int n : new int[] {0, 1, 255, 256, 257, 335, 336, 1000, 8000, 96000}) {
            int want = n < 256 ? 0 : 1 + (n - 256) / 80;
            assertEquals(want, MEL.frameCount(n), "n=" + n);
            float[][] mel = MEL.compute(new float[n]);
            assertEquals(want, mel.length, "n=" + n);
            for (float[] row : mel) {
                assertEquals(40, row.length);
            }
        }
    }

    @Test
    void matchesTheFormulaComputedNaively() {
        // a direct transcription of audio.log_mel with a plain DFT, on noise
        Random rnd = new Random(7);
        float[] x = new float[1200];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.2 * rnd.nextGaussian());
        }
        float[][] got = MEL.compute(x);
        double[][] fb = naiveFilterbank();
        for (int f = 0; f < got.length; f++) {
            double[] power = new double[129];
            for (int k = 0; k <= 128; k++) {
                double re = 0;
                double im = 0;
                for (int i = 0; i < 256; i++) {
                    double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / 256);
                    double a = -2 * Math.PI * k * i / 256;
                    re += x[f * 80 + i] * w * Math.cos(a);
                    im += x[f * 80 + i] * w * Math.sin(a);
                }
                power[k] = re * re + im * im;
            }
            for (int m = 0; m < 40; m++) {
                double sum = 0;
                for (int k = 0; k <= 128; k++) {
                    sum += fb[m][k] * power[k];
                }
                assertEquals(Math.log(Math.max(sum, 1e-6)), got[f][m], 1e-5, "frame " + f + " mel " + m);
            }
        }
    }

    private static double[][] naiveFilterbank() {
        double[] edges = new double[42];
        for (int i = 0; i < 42; i++) {
            edges[i] = bandCentre(i - 1);
        }
        double[][] fb = new double[40][129];
        for (int m = 0; m < 40; m++) {
            for (int k = 0; k <= 128; k++) {
                double hz = k * 8000.0 / 256;
                double up = (hz - edges[m]) / (edges[m + 1] - edges[m]);
                double down = (edges[m + 2] - hz) / (edges[m + 2] - edges[m + 1]);
                fb[m][k] = Math.max(0, Math.min(up, down));
            }
        }
        return fb;
    }

    @Test
    void filterbankHasUnitPeaksAndCoversTheBand() {
        double[][] fb = MEL.filterbank();
        assertEquals(40, fb.length);
        for (double[] row : fb) {
            assertEquals(129, row.length);
            double peak = 0;
            for (double v : row) {
                peak = Math.max(peak, v);
            }
            assertTrue(peak > 0.5 && peak <= 1.0, "peak " + peak);
        }
        // nothing below f_min (bin 1 = 31.25 Hz) or above f_max (bin 122 = 3812.5 Hz)
        for (double[] row : fb) {
            assertEquals(0.0, row[0]);
            assertEquals(0.0, row[1]);
            assertEquals(0.0, row[122]);
        }
    }

    @Test
    void computesASubrangeLikeACopy() {
        float[] x = tone(700, 0.4, 3000);
        float[] part = java.util.Arrays.copyOfRange(x, 123, 2123);
        float[][] a = MEL.compute(x, 123, 2000);
        float[][] b = MEL.compute(part);
        assertEquals(b.length, a.length);
        for (int f = 0; f < a.length; f++) {
            assertArrayEquals(b[f], a[f]);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> MEL.compute(x, 2000, 1001));
    }
}
