package sec.inference.decode;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import sec.inference.drafter.DraftSession;
import sec.inference.state.Binary;

/**
 * Everything one utterance's speculative decoding remembers between events: the drafter session
 * (KV cache), the committed caption, γ/τ, the block waiting for a verdict and its identity. Plain
 * data without native handles, so a streaming operator can keep it in keyed state; the models
 * live in the {@link SpeculativeDecoder} that works on it.
 */
public final class DecodingState {
    /** Version of the binary form written by {@link #writeTo}; bump it and keep reading the old one. */
    static final int FORMAT = 1;

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

    /**
     * Writes the state in a compact, versioned binary form (the streaming operators' checkpoints).
     * {@code withKvCache = false} leaves the drafter's KV cache out: for large drafters the cache
     * dominates the checkpoint, and the first draft after a restore rebuilds it with one prefill.
     */
    public void writeTo(DataOutput out, boolean withKvCache) throws IOException {
        out.writeByte(FORMAT);
        session.writeTo(out, withKvCache);
        Binary.writeLongs(out, prompt);
        controller.writeTo(out);
        trace.writeTo(out);
        out.writeBoolean(pending != null);
        if (pending != null) {
            Binary.writeLongs(out, pending.tokens());
            Binary.writeFloats(out, pending.entropies());
            float[][] probs = pending.drafterProbs();
            out.writeInt(probs == null ? -1 : probs.length);
            for (int i = 0; probs != null && i < probs.length; i++) {
                Binary.writeFloats(out, probs[i]);
            }
        }
        out.writeBoolean(finished);
        out.writeInt(blockId);
        out.writeInt(epoch);
    }

    /** Reads what {@link #writeTo} wrote. */
    public static DecodingState readFrom(DataInput in) throws IOException {
        int format = in.readByte();
        if (format != FORMAT) {
            throw new IOException("decoding state format " + format + " is not known (this build reads " + FORMAT + ")");
        }
        DraftSession session = DraftSession.readFrom(in);
        long[] prompt = Binary.readLongs(in);
        DecodingState s = new DecodingState(session, prompt, BlockController.readFrom(in));
        s.trace.readFrom(in);
        if (in.readBoolean()) {
            long[] tokens = Binary.readLongs(in);
            float[] entropies = Binary.readFloats(in);
            int rows = in.readInt();
            float[][] probs = rows < 0 ? null : new float[rows][];
            for (int i = 0; i < rows; i++) {
                probs[i] = Binary.readFloats(in);
            }
            s.pending = new DraftBlock(tokens, entropies, probs);
        }
        s.finished = in.readBoolean();
        s.blockId = in.readInt();
        s.epoch = in.readInt();
        return s;
    }
}
