package sec.inference.drafter;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import sec.inference.state.Binary;

/**
 * The drafter's per-utterance decoding state: encoder output, KV cache and the tokens fed so far
 * (prompt included). Plain data: no native handles, so it can live in keyed state. The cross-attention
 * keys and values are kept beside it but not written: they are projected again from the encoder
 * output when a session read back is next fed.
 */
public final class DraftSession {
    private final EncodedAudio audio;
    private final KvCache cache;
    private long[] fed = new long[16];
    private float[] lastLogits;
    private CrossKv cross;

    DraftSession(EncodedAudio audio, KvCache cache) {
        this.audio = audio;
        this.cache = cache;
    }

    public EncodedAudio audio() {
        return audio;
    }

    public KvCache cache() {
        return cache;
    }

    /** Null until the drafter projects them (at start, or at the first feed after a restore). */
    CrossKv cross() {
        return cross;
    }

    void cross(CrossKv projected) {
        this.cross = projected;
    }

    /**
     * Heap bytes the session holds: KV cache, encoder states and (once projected) the cross-attention
     * keys and values, about 4× the encoder states. What a call's open utterances cost the edge.
     */
    public long heapBytes() {
        return cache.bytes() + 4L * audio.states().length + audio.context().length + (cross == null ? 0 : cross.bytes());
    }

    /** Number of tokens in the cache (prompt included). */
    public int length() {
        return cache.length();
    }

    public long fed(int i) {
        return fed[i];
    }

    /** Logits predicting the token after the last one fed. */
    public float[] lastLogits() {
        return lastLogits;
    }

    void appendFed(long[] ids, float[] logits) {
        int start = cache.length() - ids.length;
        if (fed.length < cache.length()) {
            fed = Arrays.copyOf(fed, Math.max(cache.length(), fed.length * 2));
        }
        System.arraycopy(ids, 0, fed, start, ids.length);
        lastLogits = logits;
    }

    /**
     * Writes the session in a compact binary form. Without the cache only the encoder output and
     * the fed tokens are written; the session read back then has an empty cache, which the next
     * {@link Drafter#sync} rebuilds with one prefill of the committed tokens.
     */
    public void writeTo(DataOutput out, boolean withCache) throws IOException {
        Binary.writeFloats(out, audio.states());
        out.writeInt(audio.steps());
        out.writeInt(audio.dim());
        Binary.writeBytes(out, audio.context());
        out.writeInt(audio.contextDim());
        Binary.writeLongs(out, Arrays.copyOf(fed, cache.length()));
        out.writeInt(cache.layers());
        out.writeInt(cache.heads());
        out.writeInt(cache.headDim());
        out.writeBoolean(withCache);
        if (withCache) {
            out.writeInt(cache.length());
            for (int l = 0; l < cache.layers(); l++) {
                Binary.writeFloats(out, cache.keys(l));
                Binary.writeFloats(out, cache.values(l));
            }
            out.writeBoolean(lastLogits != null);
            if (lastLogits != null) {
                Binary.writeFloats(out, lastLogits);
            }
        }
    }

    /** Reads what {@link #writeTo} wrote. */
    public static DraftSession readFrom(DataInput in) throws IOException {
        float[] states = Binary.readFloats(in);
        int steps = in.readInt();
        int dim = in.readInt();
        byte[] context = Binary.readBytes(in);
        EncodedAudio audio = new EncodedAudio(states, steps, dim, context, in.readInt());
        long[] fedTokens = Binary.readLongs(in);
        KvCache cache = new KvCache(in.readInt(), in.readInt(), in.readInt());
        DraftSession s = new DraftSession(audio, cache);
        s.fed = Arrays.copyOf(fedTokens, Math.max(16, fedTokens.length));
        if (in.readBoolean()) {
            int length = in.readInt();
            float[][] keys = new float[cache.layers()][];
            float[][] values = new float[cache.layers()][];
            for (int l = 0; l < keys.length; l++) {
                keys[l] = Binary.readFloats(in);
                values[l] = Binary.readFloats(in);
            }
            cache.replace(keys, values, length);
            s.lastLogits = in.readBoolean() ? Binary.readFloats(in) : null;
        }
        return s;
    }

    /** Rolls back to the first {@code length} tokens; the next feed recomputes the logits. */
    void truncate(int length) {
        cache.truncate(length);
        lastLogits = null;
    }
}
