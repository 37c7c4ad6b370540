package sec.operators;

import java.io.Serializable;
import sec.inference.decode.SpeculationConfig;

/**
 * Settings of the {@link SpeculativeDrafter}: the model bundle (a directory every TaskManager can
 * read), the decoding settings, how long a block waits for its verdict, and whether partial
 * captions are emitted.
 */
public record DrafterConfig(String modelDir, SpeculationConfig speculation, long verdictDeadlineMs,
        boolean partialCaptions) implements Serializable {
    public DrafterConfig {
        if (verdictDeadlineMs <= 0) {
            throw new IllegalArgumentException("drafter.verdict-deadline-ms must be > 0, got " + verdictDeadlineMs);
        }
    }
}
