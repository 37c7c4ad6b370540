package sec.inference.decode;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import sec.inference.drafter.DraftSession;
import sec.inference.state.Binary;

/**
 * Everything one utterance's speculative decoding remembers between events: the drafter session
 * (KV cache), the committed caption, γ/τ, the blocks drafted past the caption that wait on a
 * verdict, and their identities. Plain data without native handles, so a streaming operator can
 * keep it in keyed state; the models live in the {@link SpeculativeDecoder} that works on it.
 */
public final class DecodingState {
    /** Version of the binary form written by {@link #writeTo}; bump it and keep reading the old ones. */
    static final int FORMAT = 2;

    final DraftSession session;
    final long[] prompt;
    final BlockController controller;
    final CaptionTrace trace = new CaptionTrace();
    /** Oldest first; the head, when there is one, is a sent block waiting for its verdict. */
    final List<AheadBlock> ahead = new ArrayList<>();
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

    /** The oldest block waiting for its verdict (the one a deadline watches), or null. */
    public DraftBlock pending() {
        return ahead.isEmpty() ? null : ahead.get(0).block;
    }

    /** Sent blocks whose verdict has not arrived. */
    public int inFlight() {
        int n = 0;
        for (AheadBlock a : ahead) {
            n += a.sent && a.verdict == null ? 1 : 0;
        }
        return n;
    }

    /** Id of the last block sent for verification (counts up per utterance). */
    public int blockId() {
        return blockId;
    }

    /** Bumped on every rollback of blocks drafted ahead; a verdict for an older epoch is stale. */
    public int epoch() {
        return epoch;
    }

    AheadBlock find(int id, int ep) {
        for (AheadBlock a : ahead) {
            if (a.sent && a.verdict == null && a.blockId == id && a.epoch == ep) {
                return a;
            }
        }
        return null;
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
        out.writeInt(ahead.size());
        for (AheadBlock a : ahead) {
            writeBlock(out, a.block);
            out.writeBoolean(a.sent);
            out.writeInt(a.blockId);
            out.writeInt(a.epoch);
            out.writeBoolean(a.verdict != null);
            if (a.verdict != null) {
                out.writeInt(a.verdict.accepted());
                out.writeInt(a.verdict.correction());
                out.writeInt(a.verdict.bonus());
            }
        }
        out.writeBoolean(finished);
        out.writeInt(blockId);
        out.writeInt(epoch);
    }

    /** Reads what {@link #writeTo} wrote, in this format or format 1 (one pending block at most). */
    public static DecodingState readFrom(DataInput in) throws IOException {
        int format = in.readByte();
        if (format != 1 && format != FORMAT) {
            throw new IOException("decoding state format " + format + " is not known (this build reads 1 and " + FORMAT + ")");
        }
        DraftSession session = DraftSession.readFrom(in);
        long[] prompt = Binary.readLongs(in);
        DecodingState s = new DecodingState(session, prompt, BlockController.readFrom(in, format));
        s.trace.readFrom(in, format);
        List<AheadBlock> blocks = new ArrayList<>();
        if (format == 1) {
            if (in.readBoolean()) {
                blocks.add(new AheadBlock(readBlock(in), true, 0, 0));
            }
        } else {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                AheadBlock a = new AheadBlock(readBlock(in), in.readBoolean(), in.readInt(), in.readInt());
                if (in.readBoolean()) {
                    a.verdict = new Decision(in.readInt(), in.readInt(), in.readInt());
                }
                blocks.add(a);
            }
        }
        s.finished = in.readBoolean();
        s.blockId = in.readInt();
        s.epoch = in.readInt();
        for (AheadBlock a : blocks) {
            // format 1 kept the pending block's identity in the state's own counters
            s.ahead.add(format == 1 ? new AheadBlock(a.block, true, s.blockId, s.epoch) : a);
        }
        return s;
    }

    private static void writeBlock(DataOutput out, DraftBlock b) throws IOException {
        Binary.writeLongs(out, b.tokens());
        Binary.writeFloats(out, b.entropies());
        float[][] probs = b.drafterProbs();
        out.writeInt(probs == null ? -1 : probs.length);
        for (int i = 0; probs != null && i < probs.length; i++) {
            Binary.writeFloats(out, probs[i]);
        }
    }

    private static DraftBlock readBlock(DataInput in) throws IOException {
        long[] tokens = Binary.readLongs(in);
        float[] entropies = Binary.readFloats(in);
        int rows = in.readInt();
        float[][] probs = rows < 0 ? null : new float[rows][];
        for (int i = 0; i < rows; i++) {
            probs[i] = Binary.readFloats(in);
        }
        return new DraftBlock(tokens, entropies, probs);
    }
}
