package sec.cli.bench;

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
        return DrafterBatchBench.alongside(together -> round(drafter, calls, prompts, eos, config, together), seconds);
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
