package sec.operators;

import java.io.Serializable;
import sec.inference.decode.SpeculationConfig;
import sec.inference.runtime.ThreadBudget;
import sec.inference.verifier.TorchThreads;

/**
 * Settings of the {@link VerifierFunction}: the model bundle, the decoding settings (acceptance),
 * the batcher's batch size and wait, how many requests it may hold, libtorch's intra-op threads
 * ({@code verifier.threads}: one JVM-wide budget, so a TaskManager's verifier slots share it;
 * {@link ThreadBudget#AUTO_THREADS} for the node's cores divided by the TaskManager's slots) and
 * how idle OpenMP threads wait ({@code verifier.wait-policy}).
 */
public record VerifierConfig(String modelDir, SpeculationConfig speculation, int maxBatch, long maxWaitMs,
        int queueCapacity, int threads, TorchThreads.WaitPolicy waitPolicy) implements Serializable {
    public VerifierConfig {
        if (maxBatch < 1 || queueCapacity < 1 || threads < 0) {
            throw new IllegalArgumentException("verifier batch and queue capacity must be >= 1 and threads >= 1 or auto, got "
                    + maxBatch + ", " + queueCapacity + ", " + threads);
        }
        if (maxWaitMs < 0) {
            throw new IllegalArgumentException("verifier.max-wait-ms must be >= 0, got " + maxWaitMs);
        }
        if (waitPolicy == null) {
            throw new IllegalArgumentException("verifier.wait-policy must be set");
        }
    }

    /** With passive OpenMP waits. */
    public VerifierConfig(String modelDir, SpeculationConfig speculation, int maxBatch, long maxWaitMs, int queueCapacity,
            int threads) {
        this(modelDir, speculation, maxBatch, maxWaitMs, queueCapacity, threads, TorchThreads.WaitPolicy.PASSIVE);
    }
}
