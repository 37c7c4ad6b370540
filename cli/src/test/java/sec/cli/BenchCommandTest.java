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
        assertTrue(json.get("verifier_blocks_per_s_batch_1").asDouble() > 0, json.toString());
        assertEquals(json.get("verifier_blocks_per_s_batch_32").asDouble() / json.get("verifier_blocks_per_s_batch_1").asDouble(),
                json.get("verifier_batch_speedup_32").asDouble(), 0.01, "the speedup is the ratio of the two rates");
        assertEquals(250, json.get("edge_utterances").asInt());
        assertTrue(json.get("kafka_passthrough_records_per_s").asDouble() > 0 && json.get("pipeline_frames_per_s").asDouble() > 0,
                json.toString());
        assertTrue(json.get("kafka_frames").asLong() > 100_000, "3 copies of the 8 bundled calls' frames");
        assertEquals(json.get("drafter_tokens_per_s_batched_16").asDouble() / json.get("drafter_tokens_per_s_batch_1").asDouble(),
                json.get("drafter_batched_speedup_16").asDouble(), 0.01);
        assertEquals(json.get("drafter_speculative_tokens_per_s_batched_16").asDouble()
                / json.get("drafter_speculative_tokens_per_s_batch_1").asDouble(),
                json.get("drafter_speculative_batched_speedup_16").asDouble(), 0.01);
        assertTrue(json.get("drafter_tokens_per_s_flink").asDouble() > 0, json.toString());
        assertEquals(json.get("drafter_tokens_per_s_flink").asDouble() / json.get("drafter_tokens_per_s_edge_bare").asDouble(),
                json.get("flink_vs_bare").asDouble(), 0.002);
        for (String unit : new String[] {"contention_drafter_caption", "contention_verifier_caption",
                "contention_verifier_1_threads_batch_32"}) {
            double quiet = json.get(unit + "_p95_ms_quiet").asDouble();
            double contended = json.get(unit + "_p95_ms_contended").asDouble();
            assertTrue(quiet > 0 && contended > 0, unit + ": " + json);
            assertEquals(contended / quiet, json.get(unit + "_contended_vs_quiet_p95").asDouble(), 0.01);
        }
        assertEquals("PASSIVE", json.get("verifier_wait_policy").asText(), "the verifier's default: libgomp does not spin");
        assertEquals(json, new ObjectMapper().readTree(stdout.toString()));
    }

    /** The real-time load in both shapes, one step of 8 calls each: a demo through the embedded broker and jobs. */
    @Test
    void realtimeLoadRunsAlignedThenStaggered(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("bench.json");
        int code = SecCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true),
                "bench", "--realtime-only", "--max-calls", "8", "--out", out.toString());
        assertEquals(0, code);
        JsonNode json = new ObjectMapper().readTree(Files.readString(out));
        assertEquals(8, json.get("max_realtime_calls").asInt(), "8 calls in real time on 2 cores: " + json);
        assertEquals(8, json.get("max_realtime_calls_staggered").asInt(), json.toString());
        for (String shape : new String[] {"realtime", "realtime_staggered"}) {
            long p50 = json.get(shape + "_p50_caption_latency_ms").asLong();
            long p95 = json.get(shape + "_p95_caption_latency_ms").asLong();
            assertTrue(p50 > 0 && p50 <= p95 && p95 <= 500, shape + ": " + json);
            assertEquals(0, json.get(shape + "_timeouts").asLong(), json.toString());
        }
        assertEquals(10_000, json.get("realtime_staggered_spread_ms").asLong());
        assertTrue(json.get("drafter_tokens_per_s_bare") == null, "--realtime-only skips the model benchmarks");
    }
}
