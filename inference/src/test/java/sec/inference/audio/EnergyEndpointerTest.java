package sec.inference.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnergyEndpointerTest {
    private static final int RATE = 8000;
    private static final EndpointerSettings SETTINGS = EndpointerSettings.defaults(RATE, 12.0);

    /** Feeds a signal in chunks of {@code chunk} samples, then flushes. */
    private static List<EnergyEndpointer.Utterance> run(float[] x, int chunk) {
        EnergyEndpointer e = new EnergyEndpointer(SETTINGS);
        List<EnergyEndpointer.Utterance> out = new ArrayList<>();
        for (int i = 0; i < x.length; i += chunk) {
            out.addAll(e.accept(Arrays.copyOfRange(x, i, Math.min(x.length, i + chunk))));
        }
        out.addAll(e.flush());
        return out;
    }

    /** Silence with faint noise, and tone bursts at the given [start, end) seconds. */
    private static float[] bursts(double seconds, double[][] spans) {
        float[] x = new float[(int) (seconds * RATE)];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 0.0005);
        }
        for (double[] s : spans) {
            for (int i = (int) (s[0] * RATE); i < (int) (s[1] * RATE); i++) {
                x[i] += (float) (0.1 * Math.sin(2 * Math.PI * 300 * i / RATE));
            }
        }
        return x;
    }

    @Test
    void findsEachBurstWhateverTheChunkSize() {
        float[] x = bursts(6, new double[][] {{0.5, 1.5}, {2.5, 2.8}, {3.9, 5.2}});
        for (int chunk : new int[] {37, 160, 400, 8000}) {
            List<EnergyEndpointer.Utterance> u = run(x, chunk);
            assertEquals(3, u.size(), "chunk " + chunk);
            assertEquals(0.5, u.get(0).startSample() / (double) RATE, 0.12);
            assertEquals(1.5 + SETTINGS.tailMs() / 1000.0, u.get(0).endSample() / (double) RATE, 0.05);
            assertEquals(3.9, u.get(2).startSample() / (double) RATE, 0.12);
        }
    }

    @Test
    void shortPausesDoNotSplitAndShortBlipsAreDropped() {
        float[] x = bursts(5, new double[][] {{0.5, 1.0}, {1.6, 2.0}, {3.0, 3.1}});
        List<EnergyEndpointer.Utterance> u = run(x, 160);
        assertEquals(1, u.size(), "a 600 ms pause stays inside the utterance; a 100 ms blip is no utterance");
        assertEquals(2.0 + SETTINGS.tailMs() / 1000.0, u.get(0).endSample() / (double) RATE, 0.05);
    }

    @Test
    void longSpeechIsCutAtTheModelLimit() {
        float[] x = bursts(30, new double[][] {{1, 29}});
        List<EnergyEndpointer.Utterance> u = run(x, 400);
        assertEquals(3, u.size());
        for (EnergyEndpointer.Utterance a : u) {
            assertTrue(a.samples().length <= 12 * RATE, "at most the model's 12 s");
        }
    }

    @Test
    void anUtteranceOpenAtTheEndIsClosedByFlush() {
        float[] x = bursts(2, new double[][] {{1.0, 2.0}});
        assertEquals(1, run(x, 160).size());
    }

    /** The demo calls: one utterance per turn on each channel, where calls.jsonl says the turn is. */
    @Test
    void segmentsTheDemoCallsTurnByTurn() throws Exception {
        Path calls = TestFiles.modelsDir().resolve("calls");
        ObjectMapper m = new ObjectMapper();
        int checked = 0;
        for (String line : Files.readAllLines(calls.resolve("calls.jsonl"))) {
            JsonNode call = m.readTree(line);
            PcmAudio audio = WavReader.read(calls.resolve(call.get("file").asText()));
            for (int ch = 0; ch < 2; ch++) {
                String channel = call.get("channels").get(ch).asText();
                List<JsonNode> turns = new ArrayList<>();
                call.get("turns").forEach(t -> {
                    if (t.get("channel").asText().equals(channel)) {
                        turns.add(t);
                    }
                });
                List<EnergyEndpointer.Utterance> u = run(audio.channel(ch), 400);
                assertEquals(turns.size(), u.size(), call.get("file").asText() + " " + channel);
                for (int i = 0; i < u.size(); i++) {
                    double start = u.get(i).startSample() * 1000.0 / RATE;
                    double end = u.get(i).endSample() * 1000.0 / RATE;
                    String where = call.get("file").asText() + " " + channel + " turn " + i;
                    // espeak-ng pads its audio with up to ~0.1 s of silence before and ~0.7 s after
                    double turnStart = turns.get(i).get("start_ms").asDouble();
                    double turnEnd = turns.get(i).get("end_ms").asDouble();
                    assertTrue(start >= turnStart - 150 && start <= turnStart + 400, where + " starts at " + start + ", turn at " + turnStart);
                    assertTrue(end >= turnEnd - 900 && end <= turnEnd + 700, where + " ends at " + end + ", turn at " + turnEnd);
                    checked++;
                }
            }
        }
        assertTrue(checked >= 60, "turns checked: " + checked);
    }
}
