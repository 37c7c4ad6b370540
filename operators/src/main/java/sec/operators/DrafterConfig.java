package sec.operators;

import java.io.Serializable;
import sec.inference.decode.SpeculationConfig;
import sec.inference.runtime.ThreadBudget;

/**
 * Settings of the {@link SpeculativeDrafter} operator: the model bundle (a directory every TaskManager can
 * read), the decoding settings, how long a block waits for its verdict
 * ({@code drafter.verdict-deadline-ms}), whether partial captions are emitted
 * ({@code drafter.partial-captions}), whether the KV cache goes into checkpoints
 * ({@code drafter.kv-cache.checkpoint}; when not, a restore rebuilds it with one prefill), and how
 * many utterances of one call may wait for the cloud at once ({@code drafter.max-open-utterances};
 * past it the oldest is finished on the edge, so a call's state stays bounded when the cloud is slow;
 * 32 at ~65 KB each is ~2 MB per call, and leaves room for a whole call replayed at once after an outage),
 * and how many calls' blocks it drafts together ({@code drafter.batch-calls};
 * 1: each call at once) and how long it holds a call for a fuller batch ({@code drafter.batch-delay-ms}),
 * and how long a quiet call's credit-inertia state and speaker baselines are kept
 * ({@code drafter.call-idle-ttl-ms}; a call's end is not signalled, so they go when it has been quiet this long),
 * and ONNX Runtime's intra-op threads per drafter subtask ({@code drafter.threads}; {@link ThreadBudget#AUTO_THREADS}:
 * the node's cores divided by the TaskManager's slots; one runs on the task's own thread) and whether idle
 * ones spin ({@code drafter.spinning}).
 */
public record DrafterConfig(String modelDir, SpeculationConfig speculation, long verdictDeadlineMs,
        boolean partialCaptions, boolean checkpointKvCache, int maxOpenUtterances, int batchCalls, long batchDelayMs,
        long callIdleTtlMs, int threads, boolean spinning) implements Serializable {
    public static final int DEFAULT_MAX_OPEN_UTTERANCES = 32;
    public static final int DEFAULT_BATCH_CALLS = 16;
    public static final long DEFAULT_BATCH_DELAY_MS = 5;
    public static final long DEFAULT_CALL_IDLE_TTL_MS = 30 * 60_000;
    public static final int DEFAULT_THREADS = 1;

    public DrafterConfig {
        if (verdictDeadlineMs <= 0) {
            throw new IllegalArgumentException("drafter.verdict-deadline-ms must be > 0, got " + verdictDeadlineMs);
        }
        if (maxOpenUtterances < 1) {
            throw new IllegalArgumentException("drafter.max-open-utterances must be >= 1, got " + maxOpenUtterances);
        }
        if (batchCalls < 1) {
            throw new IllegalArgumentException("drafter.batch-calls must be >= 1, got " + batchCalls);
        }
        if (batchDelayMs < 0) {
            throw new IllegalArgumentException("drafter.batch-delay-ms must be >= 0, got " + batchDelayMs);
        }
        if (callIdleTtlMs <= 0) {
            throw new IllegalArgumentException("drafter.call-idle-ttl-ms must be > 0, got " + callIdleTtlMs);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("drafter.threads must be auto or >= 1, got " + threads);
        }
    }

    /** The default batching and call TTL, on one ONNX Runtime thread that does not spin. */
    public DrafterConfig(String modelDir, SpeculationConfig speculation, long verdictDeadlineMs, boolean partialCaptions,
            boolean checkpointKvCache, int maxOpenUtterances) {
        this(modelDir, speculation, verdictDeadlineMs, partialCaptions, checkpointKvCache, maxOpenUtterances,
                DEFAULT_BATCH_CALLS, DEFAULT_BATCH_DELAY_MS, DEFAULT_CALL_IDLE_TTL_MS, DEFAULT_THREADS, false);
    }

    /** The same settings with calls drafted together in batches of up to {@code calls}, held at most {@code delayMs}. */
    public DrafterConfig withBatch(int calls, long delayMs) {
        return new DrafterConfig(modelDir, speculation, verdictDeadlineMs, partialCaptions, checkpointKvCache,
                maxOpenUtterances, calls, delayMs, callIdleTtlMs, threads, spinning);
    }

    public DrafterConfig(String modelDir, SpeculationConfig speculation, long verdictDeadlineMs, boolean partialCaptions,
            boolean checkpointKvCache) {
        this(modelDir, speculation, verdictDeadlineMs, partialCaptions, checkpointKvCache, DEFAULT_MAX_OPEN_UTTERANCES);
    }

    /** Defaults: 5 s verdict deadline, partial captions on, KV cache checkpointed, 32 open utterances per call. */
    public static DrafterConfig defaults(String modelDir, SpeculationConfig speculation) {
        return new DrafterConfig(modelDir, speculation, 5_000, true, true);
    }
}
