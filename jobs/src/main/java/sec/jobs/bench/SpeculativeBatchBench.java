package sec.jobs.bench;

import java.util.ArrayList;
import java.util.List;
import sec.inference.decode.BatchedDrafting;
import sec.inference.decode.BlockController;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.SpeculativeDecoder;
import sec.inference.drafter.Drafter;
import sec.inference.drafter.EncodedAudio;

/**
 * The edge's own drafting (entropy-gated blocks, γ from the block controller, pipelined) of several
 * calls on one thread: each call's blocks drafted alone, or every call's next block drafted together
 * ({@link BatchedDrafting}). No cloud: a call that must wait commits its oldest block as if its verdict
 * timed out, the same in both ways, so both make the same captions. Tokens per second of each way.
 */
public final class SpeculativeBatchBench {
    private SpeculativeBatchBench() {}

    /** {tokens per second drafting alone, tokens per second drafting together}. */
    public static double[] rates(Drafter drafter, List<EncodedAudio> calls, List<long[]> prompts, long eos,
            SpeculationConfig config, double seconds) {
        round(drafter, calls, prompts, eos, config, false); // warm-up, both ways
        round(drafter, calls, prompts, eos, config, true);
        return new double[] {rate(drafter, calls, prompts, eos, config, false, seconds),
                rate(drafter, calls, prompts, eos, config, true, seconds)};
    }

    private static double rate(Drafter drafter, List<EncodedAudio> calls, List<long[]> prompts, long eos,
            SpeculationConfig config, boolean together, double seconds) {
        long tokens = 0;
        long nanos = 0;
        while (nanos < seconds * 1e9) {
            long[] r = round(drafter, calls, prompts, eos, config, together);
            tokens += r[0];
            nanos += r[1];
        }
        return tokens / (nanos / 1e9);
    }

    /** One caption per call: {tokens drafted, nanoseconds} (starting the sessions not counted). */
    private static long[] round(Drafter drafter, List<EncodedAudio> calls, List<long[]> prompts, long eos,
            SpeculationConfig config, boolean together) {
        List<SpeculativeDecoder> decoders = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            decoders.add(new SpeculativeDecoder(drafter, drafter.start(calls.get(i), prompts.get(i)), prompts.get(i), eos,
                    config, new BlockController(config), config.acceptancePolicy()));
        }
        long start = System.nanoTime();
        while (decoders.stream().anyMatch(d -> !d.finished())) {
            List<SpeculativeDecoder> drafting = new ArrayList<>();
            for (SpeculativeDecoder d : decoders) {
                if (d.finished()) {
                    continue;
                }
                if (d.canDraft()) {
                    drafting.add(d);
                } else {
                    d.applyTimeout();
                }
            }
            if (together && !drafting.isEmpty()) {
                BatchedDrafting.draftBlocks(drafter, drafting);
            } else {
                drafting.forEach(SpeculativeDecoder::draftBlock);
            }
        }
        long nanos = System.nanoTime() - start;
        long tokens = decoders.stream().mapToLong(d -> d.trace().drafted()).sum();
        return new long[] {tokens, nanos};
    }
}
