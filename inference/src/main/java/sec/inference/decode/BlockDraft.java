package sec.inference.decode;

import java.util.Arrays;
import sec.inference.decode.accept.SpeculativeSampling;

/**
 * One block being drafted, a token at a time: it picks the next token from the logits it holds and
 * is handed the logits after that token was fed. A block drafted alone
 * ({@link SpeculativeDecoder#draftBlock}) and blocks of several calls drafted with shared decoder
 * runs ({@link BatchedDrafting}) go through this one loop body, so both make the same block.
 */
public final class BlockDraft {
    private final long eos;
    private final SpeculativeSampling sampler;
    private final long[] tokens;
    private final float[] entropies;
    private final float[][] probs;
    private float[] logits;
    private int n;
    private boolean done;

    BlockDraft(float[] logits, int gamma, long eos, SpeculativeSampling sampler, boolean keepProbs) {
        this.logits = logits;
        this.eos = eos;
        this.sampler = sampler;
        this.tokens = new long[Math.max(0, gamma)];
        this.entropies = new float[tokens.length];
        this.probs = keepProbs ? new float[tokens.length][] : null;
        this.done = tokens.length == 0;
    }

    /** Picks and records the next token; after it the block may be {@link #done} (EOS or γ tokens). */
    public long next() {
        if (done) {
            throw new IllegalStateException("the block is complete");
        }
        float[] p = sampler != null ? Logits.softmax(logits) : null;
        long t = sampler != null ? sampler.draw(p) : Logits.argmax(logits);
        tokens[n] = t;
        entropies[n] = (float) Logits.entropy(logits);
        if (probs != null) {
            probs[n] = p;
        }
        n++;
        logits = null;
        done = t == eos || n == tokens.length;
        return t;
    }

    /** Whether the block is complete: its last token is not fed (the next block starts from it). */
    public boolean done() {
        return done;
    }

    /** The logits after the last token picked was fed; the next {@link #next} picks from them. */
    public void fed(float[] after) {
        if (done || logits != null) {
            throw new IllegalStateException(done ? "the block is complete" : "no token picked since the last logits");
        }
        logits = after;
    }

    /** The last token picked (what a batch feeds a finished row, harmlessly: the next block's sync trims it). */
    long last() {
        return n == 0 ? eos : tokens[n - 1];
    }

    int length() {
        return n;
    }

    DraftBlock block() {
        return new DraftBlock(Arrays.copyOf(tokens, n), Arrays.copyOf(entropies, n),
                probs == null ? null : Arrays.copyOf(probs, n));
    }
}
