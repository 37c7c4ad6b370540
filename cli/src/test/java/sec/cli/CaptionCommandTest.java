package sec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionCommandTest {
    private static Path models() {
        return Path.of(System.getProperty("sec.models.dir"));
    }

    private record Run(int code, String out, String err) {}

    private static Run sec(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SecCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void jsonLinesCarryTheCaptionAndItsCounters() throws Exception {
        Path wav = Files.list(models().resolve("eval/en")).filter(p -> p.toString().endsWith(".wav")).sorted()
                .findFirst().orElseThrow();
        Run r = sec("caption", "--json", "--mode", "ugsd", "--tau", "0.2", wav.toString(), wav.toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        JsonNode o = new ObjectMapper().readTree(lines[0]);
        for (String key : new String[] {"file", "mode", "text", "tokens", "drafted", "sent", "accepted", "corrected", "rho"}) {
            assertTrue(o.has(key), "missing " + key + " in " + lines[0]);
        }
        assertEquals("ugsd", o.get("mode").asText());
        assertTrue(o.get("text").asText().length() > 10, o.toString());
        assertEquals(o.get("sent").asDouble() / o.get("drafted").asDouble(), o.get("rho").asDouble(), 1e-9);
    }

    @Test
    void aBadFileIsReportedAndTheOthersStillCaptioned(@TempDir Path tmp) throws Exception {
        Path bad = Files.write(tmp.resolve("bad.wav"), new byte[] {1, 2, 3});
        Path good = models().resolve("parity").resolve(
                Files.list(models().resolve("parity")).filter(p -> p.toString().endsWith(".wav")).sorted()
                        .findFirst().orElseThrow().getFileName());
        Run r = sec("caption", "--mode", "edge", bad.toString(), good.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad.wav"), r.err());
        assertTrue(r.out().contains(good.getFileName().toString()), r.out());
    }

    @Test
    void aBadOptionValueNamesTheOption() {
        Run r = sec("caption", "--gamma", "sometimes", "x.wav");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--gamma"), r.err());
    }
}
