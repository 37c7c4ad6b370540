package sec.inference.decode;

import java.util.ArrayList;
import java.util.List;
import sec.inference.drafter.DecodeBatch;
import sec.inference.drafter.DraftSession;
import sec.inference.drafter.Drafter;

/**
 * The next block of several utterances (one per call) drafted together: every token step of the
 * blocks is one decoder run for all of them ({@link DecodeBatch}) instead of one run per call. Each
 * block is what {@link SpeculativeDecoder#draftBlock} would make alone (the same {@link BlockDraft}
 * loop; the batched logits equal the lone ones, {@code DecodeBatchTest}); with speculative sampling
 * the shared random draws come in another order, so only the deterministic acceptance rules give
 * token-identical blocks. A block that completes early has its last token fed while the others go on,
 * and every block's last token is fed in one last run: the next block's sync then finds its logits
 * ready, or trims the cache to the committed tokens after a rejection.
 */
public final class BatchedDrafting {
    private BatchedDrafting() {}

    /**
     * Drafts the next block of every decoder (each must {@link SpeculativeDecoder#canDraft}, each its own
     * utterance); returns, per decoder, what {@link SpeculativeDecoder#draftBlock} returns.
     */
    public static List<DraftBlock> draftBlocks(Drafter drafter, List<SpeculativeDecoder> decoders) {
        if (decoders.size() == 1) { // a batch of one only adds the batch's set-up
            return java.util.Collections.singletonList(decoders.get(0).draftBlock());
        }
        List<DraftSession> sessions = decoders.stream().map(SpeculativeDecoder::session).toList();
        if (sessions.stream().distinct().count() != sessions.size()) {
            throw new IllegalArgumentException("two decoders share one drafter session");
        }
        List<BlockDraft> drafts = new ArrayList<>(decoders.size());
        for (SpeculativeDecoder d : decoders) {
            drafts.add(d.beginBlock());
        }
        long[] next = new long[drafts.size()];
        boolean more = pick(drafts, next);
        try (DecodeBatch batch = new DecodeBatch(drafter, sessions)) {
            while (more) {
                float[][] logits = batch.step(next);
                for (int i = 0; i < drafts.size(); i++) {
                    if (!drafts.get(i).done()) {
                        drafts.get(i).fed(logits[i]);
                    }
                }
                more = pick(drafts, next);
            }
            // One more run feeds every block's last token: the next block starts from it (when this one
            // is kept), and its sync then finds the logits ready instead of one decoder run per call.
            batch.step(next);
        }
        List<DraftBlock> out = new ArrayList<>(decoders.size());
        for (int i = 0; i < decoders.size(); i++) {
            out.add(decoders.get(i).finishBlock(drafts.get(i)));
        }
        return out;
    }

    /** Told each block drafted: which decoder (its index in the list given), and the block as {@link SpeculativeDecoder#draftBlock} returns it. */
    public interface Drafted {
        void block(int decoder, DraftBlock block) throws Exception;
    }

    /**
     * Drafts every decoder as far as it may (blocks until each waits for a verdict or is finished), in
     * rounds: each round drafts the next block of every decoder that can draft, {@code batch} of them
     * per shared decoder run. The same as calling {@link SpeculativeDecoder#draftBlock} on each while it
     * {@link SpeculativeDecoder#canDraft}.
     */
    public static void draftAll(Drafter drafter, List<SpeculativeDecoder> decoders, int batch, Drafted drafted)
            throws Exception {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        while (true) {
            List<Integer> ready = new ArrayList<>();
            for (int i = 0; i < decoders.size(); i++) {
                if (decoders.get(i).canDraft()) {
                    ready.add(i);
                }
            }
            if (ready.isEmpty()) {
                return;
            }
            for (int from = 0; from < ready.size(); from += batch) {
                List<Integer> chunk = ready.subList(from, Math.min(ready.size(), from + batch));
                List<DraftBlock> blocks = draftBlocks(drafter, chunk.stream().map(decoders::get).toList());
                for (int i = 0; i < chunk.size(); i++) {
                    drafted.block(chunk.get(i), blocks.get(i));
                }
            }
        }
    }

    /** Each unfinished block picks its next token (a finished one repeats its last); whether any block needs a step. */
    private static boolean pick(List<BlockDraft> drafts, long[] next) {
        boolean step = false;
        for (int i = 0; i < drafts.size(); i++) {
            BlockDraft d = drafts.get(i);
            if (d.done()) {
                next[i] = d.last();
            } else {
                next[i] = d.next();
                step |= !d.done();
            }
        }
        return step;
    }
}
