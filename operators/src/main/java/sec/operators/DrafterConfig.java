package sec.operators;

import java.io.Serializable;
import sec.inference.decode.SpeculationConfig;

/**
 * Settings of the {@link SpeculativeDrafter}: the model bundle (a directory every TaskManager can
 * read), the decoding settings, how long a block waits for its verdict
 * ({@code drafter.verdict-deadline-ms}), whether partial captions are emitted
 * ({@code drafter.partial-captions}) and whether the KV cache goes into checkpoints
 * ({@code drafter.kv-cache.checkpoint}; when not, a restore rebuilds it with one prefill).
 */
public record DrafterConfig(String modelDir, SpeculationConfig speculation, long verdictDeadlineMs,
        boolean partialCaptions, boolean checkpointKvCache) implements Serializable {
    public DrafterConfig {
        if (verdictDeadlineMs <= 0) {
            throw new IllegalArgumentException("drafter.verdict-deadline-ms must be > 0, got " + verdictDeadlineMs);
        }
    }

    /** Defaults: 5 s verdict deadline, partial captions on, KV cache checkpointed. */
    public static DrafterConfig defaults(String modelDir, SpeculationConfig speculation) {
        return new DrafterConfig(modelDir, speculation, 5_000, true, true);
    }
}
