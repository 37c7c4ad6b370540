package sec.inference.decode;

import sec.inference.drafter.DraftSession;

/**
 * Everything one utterance's speculative decoding remembers between events: the drafter session
 * (KV cache), the committed caption, γ/τ, the block waiting for a verdict and its identity. Plain
 * data without native handles, so a streaming operator can keep it in keyed state; the models
 * live in the {@link SpeculativeDecoder} that works on it.
 */
public final class DecodingState {
    final DraftSession session;
    final long[] prompt;
    final BlockController controller;
    final CaptionTrace trace = new CaptionTrace();
    DraftBlock pending;
    boolean finished;
    int blockId;
    int epoch;

    public DecodingState(DraftSession session, long[] prompt, BlockController controller) {
        this.session = session;
        this.prompt = prompt.clone();
        this.controller = controller;
    }

    public DraftSession session() {
        return session;
    }

    public CaptionTrace trace() {
        return trace;
    }

    public BlockController controller() {
        return controller;
    }

    public boolean finished() {
        return finished;
    }

    public DraftBlock pending() {
        return pending;
    }

    /** Id of the last block sent for verification (counts up per utterance). */
    public int blockId() {
        return blockId;
    }

    /** Bumped on every verdict or timeout; a verdict for an older epoch is stale. */
    public int epoch() {
        return epoch;
    }

    /** Whether a verdict for this block and epoch is the one the pending block waits for. */
    public boolean expects(int verdictBlockId, int verdictEpoch) {
        return pending != null && verdictBlockId == blockId && verdictEpoch == epoch;
    }
}
