package sec.cli.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sec.cli.SecCli;

/** `sec eval` on a few recordings per language: every output file, the JSON's shape, lossless = cloud. */
class EvalCommandTest {
    @Test
    void writesTheReportTablesAndPlots(@TempDir Path out) throws Exception {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int code = SecCli.execute(new PrintWriter(stdout, true), new PrintWriter(stderr, true), "eval", "--limit", "3",
                "--variants", "edge,cloud,ugsd_dynamic,lossless", "--out", out.toString());
        assertEquals(0, code, stdout + "\n" + stderr);
        JsonNode r = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        for (String lang : new String[] {"en", "zh"}) {
            for (String v : new String[] {"edge", "cloud", "ugsd_dynamic", "lossless"}) {
                JsonNode row = r.path(lang).path(v);
                for (String key : new String[] {"emotion_accuracy", "emotion_macro_f1", "emotion_correct", "emotion_confusion",
                        "bleu1", "bleu4", "meteor", "rougeL", "rho", "ttft_ms", "otps", "total_ms"}) {
                    assertTrue(row.has(key), lang + "." + v + " lacks " + key + ": " + row);
                }
                assertEquals(3, row.get("captions").asInt());
            }
            assertEquals(r.path(lang).path("cloud").path("bleu1").asDouble(), r.path(lang).path("lossless").path("bleu1").asDouble());
            assertEquals(r.path(lang).path("cloud").path("rougeL").asDouble(), r.path(lang).path("lossless").path("rougeL").asDouble());
            if (r.path(lang).path("cloud").path("bleu1").asDouble() != r.path(lang).path("edge").path("bleu1").asDouble()) {
                assertEquals(0.0, r.path(lang).path("edge").path("gap_closed_bleu1").asDouble());
                assertEquals(100.0, r.path(lang).path("cloud").path("gap_closed_bleu1").asDouble());
            } else { // no gap to close: no share of it either
                assertTrue(r.path(lang).path("cloud").path("gap_closed_bleu1").isNull());
            }
            JsonNode confusion = r.path(lang).path("cloud").path("emotion_confusion");
            int counted = 0;
            for (JsonNode row : confusion.path("counts")) {
                assertEquals(confusion.path("columns").size(), row.size(), "a column per emotion and none");
                for (JsonNode n : row) {
                    counted += n.asInt();
                }
            }
            assertEquals(3, counted, "every caption in the confusion matrix");
            for (String png : new String[] {"quality-vs-rho-" + lang + ".png", "latency-" + lang + ".png",
                    "confusion-edge-" + lang + ".png", "confusion-cloud-" + lang + ".png", "confusion-ugsd_dynamic-" + lang + ".png"}) {
                byte[] head = Arrays.copyOf(Files.readAllBytes(out.resolve(png)), 4);
                assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head, png + " is a PNG");
            }
        }
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("| ugsd_dynamic |") && md.contains("![quality-vs-rho-en.png]"), md);
        assertTrue(md.contains("| variant | emotion | emotion macro-F1 | BLEU-1 |"), "emotion comes first: " + md);
        assertTrue(md.contains("Emotion named correctly, per emotion"), md);
        assertEquals(1 + 2 * 4, Files.readAllLines(out.resolve("report.csv")).size(), "a header and one row per language and variant");
        assertTrue(stderr.toString().contains("24/24"), "the progress bar reached the end: " + stderr);
    }
}
