package sec.inference.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProsodyFeaturesTest {

    private static final ProsodyFeatures PROSODY = ProsodyFeatures.recipe();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RATE = 8000;

    /** Largest absolute differences per kind of value, over a fixture file. */
    private static final class Worst {
        double stats;
        double track;
        double baseline;
    }

    private static double check(double want, double got, double tolerance, String what) {
        double err = Math.abs(got - want);
        assertTrue(err <= tolerance, what + ": java " + got + ", python " + want + " (tolerance " + tolerance + ")");
        return err;
    }

    private static void compareTrack(JsonNode want, float[][] got, double tolerance, String file, Worst worst) {
        assertEquals(want.size(), got.length, file + ": pitch track rows");
        for (int t = 0; t < got.length; t++) {
            assertEquals(2, want.get(t).size(), file + ": pitch track columns");
            for (int k = 0; k < 2; k++) {
                worst.track = Math.max(worst.track, check(want.get(t).get(k).doubleValue(), got[t][k], tolerance,
                        file + " pitch track frame " + t + " column " + k));
            }
        }
    }

    private static void compareVector(JsonNode want, double[] got, int dim, double tolerance, String what,
            boolean baselinePart, Worst worst) {
        assertEquals(dim, want.size(), what + ": length");
        for (int i = 0; i < dim; i++) {
            double err = check(want.get(i).doubleValue(), got[i], tolerance, what + " " + ProsodyFeatures.NAMES.get(i));
            if (baselinePart) {
                worst.baseline = Math.max(worst.baseline, err);
            } else {
                worst.stats = Math.max(worst.stats, err);
            }
        }
    }

    @Test
    void matchesPythonOnBundledFixtures() throws IOException {
        // prosody.py's float64 output in full: the same operations in the same order leave ulps
        Path json = TestFiles.resource("prosody.json");
        JsonNode root = JSON.readTree(json.toFile());
        assertEquals(ProsodyFeatures.NAMES.toString(), toList(root.get("names")));
        JsonNode fixtures = root.get("fixtures");
        assertTrue(fixtures.size() >= 5, "fixtures in " + json);
        double tolerance = 1e-6;
        Worst worst = new Worst();
        SpeakerBaseline baseline = new SpeakerBaseline();
        int voiced = 0;
        for (JsonNode fx : fixtures) {
            String file = fx.get("file").asText();
            PcmAudio audio = WavReader.read(json.resolveSibling(file));
            assertEquals(fx.get("sample_rate").asInt(), audio.sampleRate(), file);
            assertEquals(fx.get("samples").asInt(), audio.frames(), file);
            Prosody p = PROSODY.analyse(audio.channel(0));
            compareVector(fx.get("stats"), p.stats(), ProsodyFeatures.UTTERANCE_DIM, tolerance, file, false, worst);
            compareTrack(fx.get("pitch_track"), p.pitchTrack(), tolerance, file, worst);
            SpeakerBaseline.Value value = baseline.value();
            JsonNode wantValue = fx.get("baseline");
            if (wantValue.isNull()) {
                assertNull(value, file);
            } else {
                assertEquals(wantValue.get(0).isNull(), value.f0() == null, file + ": baseline f0");
                if (value.f0() != null) {
                    check(wantValue.get(0).doubleValue(), value.f0(), tolerance, file + " baseline f0");
                }
                check(wantValue.get(1).doubleValue(), value.level(), tolerance, file + " baseline level");
            }
            compareVector(fx.get("with_baseline"), ProsodyFeatures.withBaseline(p.stats(), value), ProsodyFeatures.DIM,
                    tolerance, file + " with baseline", true, worst);
            baseline.add(p.stats());
            voiced += p.voiced() ? 1 : 0;
        }
        assertTrue(voiced >= 3, "voiced fixtures: " + voiced);
        System.out.println("ProsodyFeatures vs prosody.py (test resources): max abs error stats " + worst.stats
                + ", pitch track " + worst.track + ", with baseline " + worst.baseline);
    }

    @Test
    void octaveWindowBoundsMatchPython() throws IOException {
        // yin_all's floor(t0 * 2 ** -0.9) and ceil(t0 * 2 ** 0.9), t0 a median of integer lags
        JsonNode factors = JSON.readTree(TestFiles.resource("prosody.json").toFile()).get("octave_factors");
        double down = factors.get(0).doubleValue();
        double up = factors.get(1).doubleValue();
        assertEquals(down, StrictMath.pow(2.0, -0.9), Math.ulp(down));
        assertEquals(up, StrictMath.pow(2.0, 0.9), Math.ulp(up));
        for (double t0 = 16; t0 <= 114; t0 += 0.5) {
            assertEquals(Math.floor(t0 * down), Math.floor(t0 * StrictMath.pow(2.0, -0.9)), "t0 " + t0);
            assertEquals(Math.ceil(t0 * up), Math.ceil(t0 * StrictMath.pow(2.0, 0.9)), "t0 " + t0);
        }
    }

    @Test
    void matchesRecipeParityFixtures() throws IOException {
        Path parity = TestFiles.modelsDir().resolve("parity").resolve("parity.json");
        assumeTrue(Files.isRegularFile(parity), "no parity fixtures at " + parity);
        JsonNode root = JSON.readTree(parity.toFile());
        JsonNode fixtures = root.get("fixtures");
        assumeTrue(fixtures.size() > 0 && fixtures.get(0).has("prosody") && fixtures.get(0).has("pitch_track")
                && fixtures.get(0).has("prosody_with_baseline"), "parity fixtures without prosody (older export)");
        JsonNode tol = root.path("tolerance").path("prosody_max_abs");
        double tolerance = tol.isNumber() ? tol.doubleValue() : 1e-3;
        Worst worst = new Worst();
        Map<String, SpeakerBaseline> baselines = new HashMap<>(); // parity.py: one speaker per language
        for (JsonNode fx : fixtures) {
            String file = fx.get("file").asText();
            PcmAudio audio = WavReader.read(parity.resolveSibling(file));
            Prosody p = PROSODY.analyse(audio.channel(0));
            compareVector(fx.get("prosody"), ProsodyFeatures.withBaseline(p.stats(), null), ProsodyFeatures.DIM,
                    tolerance, file, false, worst);
            compareTrack(fx.get("pitch_track"), p.pitchTrack(), tolerance, file, worst);
            SpeakerBaseline b = baselines.computeIfAbsent(fx.path("lang").asText(), k -> new SpeakerBaseline());
            compareVector(fx.get("prosody_with_baseline"), ProsodyFeatures.withBaseline(p.stats(), b.value()),
                    ProsodyFeatures.DIM, tolerance, file + " with baseline", true, worst);
            b.add(p.stats());
        }
        System.out.println("ProsodyFeatures vs models/parity: max abs error stats " + worst.stats + ", pitch track "
                + worst.track + ", with baseline " + worst.baseline);
    }

    private static String toList(JsonNode names) {
        StringBuilder sb = new StringBuilder("[");
        for (JsonNode n : names) {
            sb.append(sb.length() > 1 ? ", " : "").append(n.asText());
        }
        return sb.append(']').toString();
    }

    /** {@code lead} and {@code tail} seconds of digital silence around x. */
    private static float[] padded(float[] x, double lead, double tail) {
        float[] out = new float[(int) (lead * RATE) + x.length + (int) (tail * RATE)];
        System.arraycopy(x, 0, out, (int) (lead * RATE), x.length);
        return out;
    }

    /** Sum of sines at harmonics k of f0 with amplitude a / k, for k in [from, to]. */
    private static float[] harmonics(double f0, int from, int to, double a, double seconds) {
        return harmonics(f0, from, to, a, (int) Math.round(seconds * RATE));
    }

    private static float[] harmonics(double f0, int from, int to, double a, int samples) {
        float[] x = new float[samples];
        for (int i = 0; i < x.length; i++) {
            double v = 0;
            for (int k = from; k <= to; k++) {
                v += a / k * Math.sin(2 * Math.PI * f0 * k * i / RATE + k);
            }
            x[i] = (float) v;
        }
        return x;
    }

    private static float[] noise(double sd, double seconds, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[(int) (seconds * RATE)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (sd * rnd.nextGaussian());
        }
        return x;
    }

    private static void assertAllZero(Prosody p, int melFrames) {
        assertArrayEquals(new double[ProsodyFeatures.UTTERANCE_DIM], p.stats());
        assertFalse(p.voiced());
        assertEquals(melFrames, p.pitchTrack().length);
        for (float[] row : p.pitchTrack()) {
            assertArrayEquals(new float[2], row);
        }
    }

    @Test
    void silenceIsAllZeros() {
        assertAllZero(PROSODY.analyse(new float[8000]), 1 + (8000 - 256) / 80);
    }

    @Test
    void shorterThanOnePitchFrameIsAllZerosWithTheMelFrameCount() {
        // a pitch frame needs window + tau_max = 314 samples, a log-mel frame 256
        for (int n : new int[] {0, 100, 255, 256, 313}) {
            float[] x = harmonics(150, 1, 3, 0.3, n);
            assertEquals(n, x.length);
            assertAllZero(PROSODY.analyse(x), n < 256 ? 0 : 1 + (n - 256) / 80);
        }
        assertEquals(0, PROSODY.settings().frameCount(313));
        assertEquals(1, PROSODY.settings().frameCount(314));
    }

    @Test
    void steadyNoiseHasNoSpeechFrames() {
        // prosody.py measures the line's floor by the cut's quietest 5 %: steady noise never stands
        // NOISE_MARGIN_DB over it, so nothing is speech and the vector is all zeros
        assertAllZero(PROSODY.analyse(noise(0.2, 1.0, 11)), 1 + (8000 - 256) / 80);
    }

    @Test
    void noiseBetweenSilencesIsSpeechWithoutPitch() {
        Prosody p = PROSODY.analyse(padded(noise(0.2, 1.0, 12), 0.3, 0.3));
        assertFalse(p.voiced());
        assertTrue(p.stat("voiced_ratio") < 0.1, "voiced ratio " + p.stat("voiced_ratio"));
        assertEquals(0.0, p.stat("f0_median"));
        assertEquals(20 * Math.log10(0.2), p.stat("level"), 0.5); // 0.2 rms
        assertEquals(1.0, p.stat("speech_s"), 0.05);
        assertEquals(0.0, p.stat("pause_ratio"));
        for (float[] row : p.pitchTrack()) {
            assertArrayEquals(new float[2], row);
        }
    }

    @Test
    void aPeriodicSignalHasItsPitch() {
        double want = 12 * Math.log(150 / 100.0) / Math.log(2); // semitones over f0_ref_hz
        // a sine, and the telephone case: harmonics 2..7 only, the fundamental filtered out
        for (float[] tone : new float[][] {harmonics(150, 1, 1, 0.3, 1.0), harmonics(150, 2, 7, 0.6, 1.0)}) {
            Prosody p = PROSODY.analyse(padded(tone, 0.3, 0.3));
            assertTrue(p.voiced());
            assertEquals(want, p.stat("f0_median"), 0.2);
            assertEquals(want, p.stat("f0_p10"), 0.2);
            assertEquals(want, p.stat("f0_p90"), 0.2);
            assertTrue(p.stat("f0_delta") < 0.05, "f0 delta " + p.stat("f0_delta"));
            assertTrue(p.stat("voiced_ratio") > 0.9, "voiced ratio " + p.stat("voiced_ratio"));
            assertEquals(1.0, p.stat("speech_s"), 0.05);
            int voicedRows = 0;
            for (float[] row : p.pitchTrack()) {
                if (row[1] == 1.0f) {
                    voicedRows++;
                    // semitones from the median / 6: the frames at the tone's ends are off by a little
                    assertEquals(0.0, row[0], 0.5 / 6);
                } else {
                    assertArrayEquals(new float[2], row);
                }
            }
            assertTrue(voicedRows > 90, "voiced rows " + voicedRows);
        }
    }

    @Test
    void aSilenceInsideTheSpeechIsAPause() {
        float[] tone = harmonics(150, 1, 1, 0.3, 0.5);
        float[] x = new float[tone.length * 2 + 1600]; // 200 ms of silence between two tones
        System.arraycopy(tone, 0, x, 0, tone.length);
        System.arraycopy(tone, 0, x, tone.length + 1600, tone.length);
        Prosody p = PROSODY.analyse(padded(x, 0.3, 0.3));
        // the 25 ms energy window shortens the silence by up to 25 ms (prosody.py: 180 ms)
        assertEquals(180, p.stat("pause_ms"), 25);
        assertEquals(1 / p.stat("span_s"), p.stat("pause_rate"), 1e-12);
        assertEquals(1.2, p.stat("span_s"), 0.05);
        assertEquals(p.stat("pause_ratio") * p.stat("span_s"), p.stat("span_s") - p.stat("speech_s"), 1e-12);
    }

    @Test
    void louderSpeechHasAHigherLevelAndTheSamePitch() {
        float[] quiet = padded(harmonics(150, 2, 7, 0.2, 1.0), 0.3, 0.3);
        float[] loud = quiet.clone();
        for (int i = 0; i < loud.length; i++) {
            loud[i] *= 2;
        }
        Prosody a = PROSODY.analyse(quiet);
        Prosody b = PROSODY.analyse(loud);
        assertEquals(20 * Math.log10(2), b.stat("level") - a.stat("level"), 0.01);
        assertEquals(a.stat("f0_median"), b.stat("f0_median"), 0.01);
    }

    @Test
    void baselinePartFollowsWithBaseline() {
        double[] stats = new double[ProsodyFeatures.UTTERANCE_DIM];
        stats[ProsodyFeatures.F0_MEDIAN] = 5.0;
        stats[ProsodyFeatures.LEVEL] = -20.0;
        stats[ProsodyFeatures.VOICED] = 1.0;
        double[] none = ProsodyFeatures.withBaseline(stats, null);
        assertEquals(ProsodyFeatures.DIM, none.length);
        assertEquals(5.0, none[ProsodyFeatures.F0_MEDIAN]);
        assertArrayEquals(new double[4], java.util.Arrays.copyOfRange(none, 16, 20));
        stats[ProsodyFeatures.F0_SPREAD] = 4.5;
        assertArrayEquals(new double[] {1.0, 2.0, -3.0, 1.5}, java.util.Arrays.copyOfRange(
                ProsodyFeatures.withBaseline(stats, new SpeakerBaseline.Value(3.0, -17.0, 3.0)), 16, 20));
        // no baseline pitch, or no pitch in this utterance: the pitch deviations are 0
        assertArrayEquals(new double[] {1.0, 0.0, -3.0, 0.0}, java.util.Arrays.copyOfRange(
                ProsodyFeatures.withBaseline(stats, new SpeakerBaseline.Value(null, -17.0, null)), 16, 20));
        // a baseline restored from before the spread was kept: pitch but no spread yet
        assertArrayEquals(new double[] {1.0, 2.0, -3.0, 0.0}, java.util.Arrays.copyOfRange(
                ProsodyFeatures.withBaseline(stats, new SpeakerBaseline.Value(3.0, -17.0, null)), 16, 20));
        stats[ProsodyFeatures.VOICED] = 0.0;
        assertArrayEquals(new double[] {1.0, 0.0, -3.0, 0.0}, java.util.Arrays.copyOfRange(
                ProsodyFeatures.withBaseline(stats, new SpeakerBaseline.Value(3.0, -17.0, 3.0)), 16, 20));
        assertThrows(IllegalArgumentException.class, () -> ProsodyFeatures.withBaseline(new double[3], null));
    }

    @Test
    void indexConstantsNameTheVector() {
        assertEquals(ProsodyFeatures.DIM, ProsodyFeatures.NAMES.size());
        String[] names = {"f0_median", "f0_p10", "f0_p90", "f0_spread", "f0_delta", "level", "energy_p90",
            "energy_spread", "voiced_ratio", "pause_ratio", "pause_rate", "pause_ms", "syllable_rate", "speech_s",
            "span_s", "voiced", "has_baseline", "f0_vs_baseline", "level_vs_baseline", "spread_vs_baseline"};
        int[] ix = {ProsodyFeatures.F0_MEDIAN, ProsodyFeatures.F0_P10, ProsodyFeatures.F0_P90,
            ProsodyFeatures.F0_SPREAD, ProsodyFeatures.F0_DELTA, ProsodyFeatures.LEVEL, ProsodyFeatures.ENERGY_P90,
            ProsodyFeatures.ENERGY_SPREAD, ProsodyFeatures.VOICED_RATIO, ProsodyFeatures.PAUSE_RATIO,
            ProsodyFeatures.PAUSE_RATE, ProsodyFeatures.PAUSE_MS, ProsodyFeatures.SYLLABLE_RATE,
            ProsodyFeatures.SPEECH_S, ProsodyFeatures.SPAN_S, ProsodyFeatures.VOICED, ProsodyFeatures.HAS_BASELINE,
            ProsodyFeatures.F0_VS_BASELINE, ProsodyFeatures.LEVEL_VS_BASELINE, ProsodyFeatures.SPREAD_VS_BASELINE};
        for (int i = 0; i < names.length; i++) {
            assertEquals(names[i], ProsodyFeatures.NAMES.get(ix[i]));
        }
        assertEquals(16, ProsodyFeatures.UTTERANCE_DIM);
    }

    @Test
    void sumsRunInNumpysOrder() throws IOException {
        // prosody.json records np.add.reduce and np.einsum of arrays both sides build the same way,
        // chosen so that a plain left-to-right loop gives another value
        JsonNode sums = JSON.readTree(TestFiles.resource("prosody.json").toFile()).get("sum_checks");
        double[] v = new double[200];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 8 == 0 ? 1e16 : 1.0 + i / 7.0;
        }
        double plain = 0;
        for (double d : v) {
            plain += d;
        }
        assertEquals(sums.get("pairwise_200").doubleValue(), ProsodyFeatures.pairwiseSum(v, 0, 200));
        assertEquals(sums.get("mean_200").doubleValue(), ProsodyFeatures.mean(v, 200));
        assertEquals(sums.get("mean_3").doubleValue(), ProsodyFeatures.mean(v, 3));
        assertTrue(plain != ProsodyFeatures.pairwiseSum(v, 0, 200), "the check cannot tell the orders apart");
        double[] x = new double[320];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * 37 % 101) / 101.0 * (i % 16 == 0 ? 1e8 : 1.0);
        }
        double naive = 0;
        for (int i = 0; i < 200; i++) {
            naive += (x[i] - x[i + 5]) * (x[i] - x[i + 5]);
        }
        assertEquals(sums.get("einsum_200_lag5").doubleValue(), Yin.squaredDifference(x, 0, 5, 200));
        assertEquals(sums.get("einsum_203_lag7").doubleValue(), Yin.squaredDifference(x, 3, 10, 203));
        assertTrue(naive != Yin.squaredDifference(x, 0, 5, 200), "the check cannot tell the orders apart");
    }

    @Test
    void allLagsAtOnceAddUpInTheSameOrderAsOneLagAtATime() {
        Random random = new Random(7);
        double[] x = new double[600];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian() * (i % 16 == 0 ? 1e8 : 1.0);
        }
        for (int n : new int[] {200, 203, 7, 1}) {
            for (int tauMax : new int[] {114, 113, 3}) {
                double[] d = new double[tauMax + 1];
                Yin.differences(x, 11, n, tauMax, d);
                for (int tau = 1; tau <= tauMax; tau++) {
                    assertEquals(Yin.squaredDifference(x, 11, 11 + tau, n), d[tau],
                            "n " + n + ", lag " + tau + " of " + tauMax);
                }
            }
        }
    }
}
