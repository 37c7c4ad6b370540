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
    private VerifierBatchBench() {}

    /** Blocks per second by batch size. */
    public static Map<Integer, Double> blocksPerSecond(Verifier verifier, EncodedAudio audio, long[] prompt, int prefix,
            int gamma, int[] batches, double seconds) {
        VerifyInput one = request(audio, prompt, prefix, gamma);
        Map<Integer, Double> out = new LinkedHashMap<>();
        for (int b : batches) {
            List<VerifyInput> batch = new ArrayList<>(java.util.Collections.nCopies(b, one));
            long end = System.nanoTime() + (long) (seconds / 4 * 1e9);
            while (System.nanoTime() < end) { // warm-up
                verifier.score(batch);
            }
            long passes = 0;
            long start = System.nanoTime();
            end = start + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                verifier.score(batch);
                passes++;
            }
            out.put(b, passes * b / ((System.nanoTime() - start) / 1e9));
        }
        return out;
    }

    /** One block verified alone: a forward pass of batch 1 (the unit {@code sec bench}'s contention figures time). */
    public static Runnable oneBlock(Verifier verifier, EncodedAudio audio, long[] prompt, int prefix, int gamma) {
        List<VerifyInput> one = List.of(request(audio, prompt, prefix, gamma));
        return () -> verifier.score(one);
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
