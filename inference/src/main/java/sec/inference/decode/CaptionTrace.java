package sec.inference.decode;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import sec.inference.state.Binary;

/**
 * The committed caption of one utterance as it grows: token ids, who produced each, the drafter's
 * entropy for each (NaN for verifier tokens), and the counters UGSD reports.
 */
public final class CaptionTrace {
    private long[] tokens = new long[32];
    private Provenance[] provenance = new Provenance[32];
    private float[] entropies = new float[32];
    private int length;
    int drafted;
    int sent;
    int accepted;
    int corrected;
    int rounds;
    int timeouts;
    int discarded;

    void add(long token, Provenance who, float entropy) {
        if (length == tokens.length) {
            tokens = Arrays.copyOf(tokens, length * 2);
            provenance = Arrays.copyOf(provenance, length * 2);
            entropies = Arrays.copyOf(entropies, length * 2);
        }
        tokens[length] = token;
        provenance[length] = who;
        entropies[length] = entropy;
        length++;
    }

    /** Written in the state's current format (with the discarded counter). */
    void writeTo(DataOutput out) throws IOException {
        Binary.writeLongs(out, tokens());
        for (int i = 0; i < length; i++) {
            out.writeByte(provenance[i].ordinal());
            out.writeFloat(entropies[i]);
        }
        for (int counter : new int[] {drafted, sent, accepted, corrected, rounds, timeouts, discarded}) {
            out.writeInt(counter);
        }
    }

    /** {@code format} 1 (before pipelined drafting) has no discarded counter. */
    void readFrom(DataInput in, int format) throws IOException {
        long[] ids = Binary.readLongs(in);
        Provenance[] all = Provenance.values();
        for (long id : ids) {
            add(id, all[in.readByte()], in.readFloat());
        }
        drafted = in.readInt();
        sent = in.readInt();
        accepted = in.readInt();
        corrected = in.readInt();
        rounds = in.readInt();
        timeouts = in.readInt();
        discarded = format >= 2 ? in.readInt() : 0;
    }

    public int length() {
        return length;
    }

    public long[] tokens() {
        return Arrays.copyOf(tokens, length);
    }

    public Provenance[] provenance() {
        return Arrays.copyOf(provenance, length);
    }

    public float[] entropies() {
        return Arrays.copyOf(entropies, length);
    }

    public long token(int i) {
        return tokens[i];
    }

    /**
     * Tokens drafted on the path that made the caption (committed or rejected). Blocks drafted
     * ahead and thrown away by a rollback move from here and {@link #sent} to {@link #discarded}.
     */
    public int drafted() {
        return drafted;
    }

    /** Drafted tokens sent to the verifier. */
    public int sent() {
        return sent;
    }

    public int accepted() {
        return accepted;
    }

    /** Tokens the verifier supplied (corrections and bonus tokens). */
    public int corrected() {
        return corrected;
    }

    /** Tokens committed unverified because their verdict did not come in time. */
    public int timeouts() {
        return timeouts;
    }

    /** Tokens drafted ahead (pipelined drafting) and thrown away by a rollback; their bytes were still sent. */
    public int discarded() {
        return discarded;
    }

    /** Verification round trips. */
    public int rounds() {
        return rounds;
    }

}
