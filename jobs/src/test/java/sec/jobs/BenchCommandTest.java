package sec.jobs;

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

class BenchCommandTest {
    @Test
    void quickBenchmarkWritesTheDrafterRate(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("bench.json");
        StringWriter stdout = new StringWriter();
        int code = SecCli.execute(new PrintWriter(stdout, true), new PrintWriter(new StringWriter(), true),
                "bench", "--quick", "--out", out.toString());
        assertEquals(0, code);
        JsonNode json = new ObjectMapper().readTree(Files.readString(out));
        assertTrue(json.get("drafter_tokens_per_s_bare").asDouble() > 0, json.toString());
        assertTrue(json.get("drafter_tokens_per_caption").asDouble() >= 1, json.toString());
        assertEquals(json, new ObjectMapper().readTree(stdout.toString()));
    }
}
