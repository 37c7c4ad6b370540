package sec.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import sec.cli.SecCli;

/**
 * The most concurrent real-time calls the embedded pipeline sustains: {@code sec demo} (embedded
 * broker, both jobs on one MiniCluster, calls streamed in real time, all starting together, an
 * emulated link RTT) at stepped loads, until a step misses a caption or its p95 caption latency
 * after the utterance's end passes the bound. Each step first streams a warm-up wave (as many calls,
 * at most {@link #MAX_WARMUP_CALLS}, not measured) through the same broker and jobs: what is
 * measured is a running pipeline, not a fresh JVM compiling Kafka's and Flink's start-up paths.
 *
 * <p>Two load shapes. Aligned: every call starts at once, so the copies of one bundled call end
 * their turns at the same millisecond (at 200 calls, 25 utterances at once): a worst case no call
 * center produces. Staggered: the calls start one after another over {@link #STAGGER_SPREAD_MS}
 * (call i at i × spread / calls), as independent calls do; every bundled call is longer than 30 s,
 * so all of them are under way together for at least the 20 s after the last has started.
 */
public final class RealtimeLoadBench {
    public static final int MAX_WARMUP_CALLS = 64;
    /** The staggered shape's calls all start within this many milliseconds. */
    public static final long STAGGER_SPREAD_MS = 10_000;

    private RealtimeLoadBench() {}

    /** The step that passed last (null if none) and the one that failed (null if all passed). */
    public record Result(JsonNode passed, JsonNode failed, int passedCalls) {}

    /**
     * The steps in order until one fails; {@code staggered}: the staggered shape, else aligned;
     * {@code parallelism}: the demo's ({@code sec demo --parallelism}).
     */
    public static Result run(int[] steps, long rttMs, long p95BoundMs, Path bundle, boolean staggered, int parallelism)
            throws Exception {
        JsonNode passed = null;
        int passedCalls = 0;
        for (int calls : steps) {
            Path summary = Files.createTempFile("sec-load-", ".json");
            try {
                int code = SecCli.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "demo",
                        "--calls", String.valueOf(calls), "--rtt-ms", String.valueOf(rttMs), "--summary", summary.toString(),
                        "--timeout-s", "600", "--models", bundle.toString(),
                        "--warmup-calls", String.valueOf(Math.min(calls, MAX_WARMUP_CALLS)),
                        "--stagger-ms", String.valueOf(staggered ? STAGGER_SPREAD_MS / calls : 0),
                        "--parallelism", String.valueOf(parallelism));
                JsonNode s = Files.size(summary) == 0 ? null : new ObjectMapper().readTree(summary.toFile());
                boolean ok = code == 0 && s != null && s.path("p95_caption_latency_ms").asLong() <= p95BoundMs;
                if (!ok) {
                    return new Result(passed, s, passedCalls);
                }
                passed = s;
                passedCalls = calls;
            } finally {
                Files.deleteIfExists(summary);
            }
        }
        return new Result(passed, null, passedCalls);
    }
}
