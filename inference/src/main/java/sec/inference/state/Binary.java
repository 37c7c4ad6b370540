package sec.inference.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Length-prefixed arrays on {@link DataOutput}, for the decoding state's binary form (the streaming
 * operators keep it in checkpoints). Lengths are checked on read so a corrupt state fails clearly
 * instead of allocating gigabytes.
 */
public final class Binary {
    /** Larger than any array the state holds (a 12 s utterance's encoder output is ~15 k floats). */
    static final int MAX_LENGTH = 1 << 24;

    private Binary() {}

    public static void writeFloats(DataOutput out, float[] a) throws IOException {
        out.writeInt(a.length);
        for (float f : a) {
            out.writeFloat(f);
        }
    }

    public static float[] readFloats(DataInput in) throws IOException {
        float[] a = new float[length(in)];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readFloat();
        }
        return a;
    }

    public static void writeLongs(DataOutput out, long[] a) throws IOException {
        out.writeInt(a.length);
        for (long v : a) {
            out.writeLong(v);
        }
    }

    public static long[] readLongs(DataInput in) throws IOException {
        long[] a = new long[length(in)];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readLong();
        }
        return a;
    }

    public static void writeBytes(DataOutput out, byte[] a) throws IOException {
        out.writeInt(a.length);
        out.write(a);
    }

    public static byte[] readBytes(DataInput in) throws IOException {
        byte[] a = new byte[length(in)];
        in.readFully(a);
        return a;
    }

    private static int length(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_LENGTH) {
            throw new IOException("corrupt state: array length " + n);
        }
        return n;
    }
}
