package sec.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sec.inference.drafter.EncodedAudio;
import sec.inference.verifier.Verifier;
import sec.inference.verifier.VerifyInput;

/**
 * Verified blocks per second when the verifier scores B requests in one forward pass, on this
 * machine's device (CPU here): the same Verifier.score the cloud job's batcher calls, over an
 * utterance's real acoustic context and a request of prompt + committed prefix + a block of γ tokens.
 */
public final class VerifierBatchBench {
    /** How long one size runs before the next takes its turn. */
    private static final double SLICE_S = 0.5;

    private VerifierBatchBench() {}

    /**
     * Blocks per second by batch size, over {@code seconds} per size. The sizes take turns in short
     * slices (1, 8, 32, 1, 8, 32, ...) instead of one after the other: on a shared machine the speed
     * drifts by 2-4x within minutes, and a size measured alone in a slow minute made the ratio swing
     * between 1.5 and 4 from run to run. Taking turns puts the same drift into every size.
     */
    public static Map<Integer, Double> blocksPerSecond(Verifier verifier, EncodedAudio audio, long[] prompt, int prefix,
            int gamma, int[] batches, double seconds) {
        VerifyInput one = request(audio, prompt, prefix, gamma);
        Map<Integer, List<VerifyInput>> inputs = new LinkedHashMap<>();
        for (int b : batches) {
            inputs.put(b, new ArrayList<>(java.util.Collections.nCopies(b, one)));
        }
        int rounds = Math.max(1, (int) Math.round(seconds / SLICE_S));
        long slice = (long) (seconds / rounds * 1e9);
        Map<Integer, long[]> blocksAndNanos = new LinkedHashMap<>();
        for (int round = -1; round < rounds; round++) { // round -1 warms every size up
            for (Map.Entry<Integer, List<VerifyInput>> e : inputs.entrySet()) {
                long start = System.nanoTime();
                long passes = 0;
                do {
                    verifier.score(e.getValue());
                    passes++;
                } while (System.nanoTime() - start < (round < 0 ? slice / 4 : slice));
                if (round >= 0) {
                    long[] acc = blocksAndNanos.computeIfAbsent(e.getKey(), k -> new long[2]);
                    acc[0] += passes * e.getKey();
                    acc[1] += System.nanoTime() - start;
                }
            }
        }
        Map<Integer, Double> out = new LinkedHashMap<>();
        blocksAndNanos.forEach((b, acc) -> out.put(b, acc[0] / (acc[1] / 1e9)));
        return out;
    }

    /** {@code size} blocks verified together: one forward pass (the unit {@code sec bench}'s verifier contention figures time). */
    public static Runnable batch(Verifier verifier, EncodedAudio audio, long[] prompt, int prefix, int gamma, int size) {
        List<VerifyInput> blocks = java.util.Collections.nCopies(size, request(audio, prompt, prefix, gamma));
        return () -> verifier.score(blocks);
    }

    /** A request of prompt + committed prefix + a block of γ ordinary (non-special) token ids. */
    private static VerifyInput request(EncodedAudio audio, long[] prompt, int prefix, int gamma) {
        long[] tokens = new long[prompt.length + prefix + gamma];
        System.arraycopy(prompt, 0, tokens, 0, prompt.length);
        for (int i = prompt.length; i < tokens.length; i++) {
            tokens[i] = 6 + (i * 7) % 100;
        }
        return new VerifyInput(audio.context(), audio.steps(), tokens, prompt.length + prefix);
    }
}
