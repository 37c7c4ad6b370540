package sec.operators;

import java.io.Serializable;
import sec.inference.decode.SpeculationConfig;

/**
 * Settings of the {@link VerifierFunction}: the model bundle, the decoding settings (acceptance),
 * the batcher's batch size and wait, how many requests it may hold, and libtorch's intra-op threads
 * ({@code verifier.threads}: one JVM-wide budget, so a TaskManager's verifier slots share it).
 */
public record VerifierConfig(String modelDir, SpeculationConfig speculation, int maxBatch, long maxWaitMs,
        int queueCapacity, int threads) implements Serializable {
    public VerifierConfig {
        if (maxBatch < 1 || queueCapacity < 1 || threads < 1) {
            throw new IllegalArgumentException("verifier batch, queue capacity and threads must be >= 1, got "
                    + maxBatch + ", " + queueCapacity + ", " + threads);
        }
        if (maxWaitMs < 0) {
            throw new IllegalArgumentException("verifier.max-wait-ms must be >= 0, got " + maxWaitMs);
        }
    }
}
