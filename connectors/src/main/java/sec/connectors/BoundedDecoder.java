package sec.connectors;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * An Avro binary decoder over one record's bytes that refuses any length or item count larger than
 * the bytes left, before anything is allocated. Avro itself allocates what a length prefix claims,
 * so nine bytes claiming a 1.5 GB string would take a TaskManager down (found by
 * RecordDecodingFuzzTest). Counts are bounded by one byte per item, which holds for our schemas
 * (no arrays or maps of null).
 */
final class BoundedDecoder extends Decoder {
    private final ByteArrayInputStream in;
    private final Decoder d;

    BoundedDecoder(byte[] bytes) {
        this.in = new ByteArrayInputStream(bytes);
        this.d = DecoderFactory.get().directBinaryDecoder(in, null);
    }

    int remaining() {
        return in.available();
    }

    private int length(long claimed, String what) throws IOException {
        if (claimed < 0 || claimed > in.available()) {
            throw new IOException(what + " of " + claimed + " claimed with " + in.available() + " bytes left");
        }
        return (int) claimed;
    }

    private long count(long claimed) throws IOException {
        // a negative block count is followed by the block's byte size (Avro spec)
        long items = Math.abs(claimed);
        if (claimed < 0) {
            length(d.readLong(), "block size");
        }
        length(items, "item count");
        return items;
    }

    @Override
    public void readNull() throws IOException {
        d.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return d.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return d.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return d.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return d.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return d.readDouble();
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        byte[] b = new byte[length(d.readLong(), "string")];
        d.readFixed(b);
        Utf8 s = old != null ? old : new Utf8();
        s.set(new Utf8(b));
        return s;
    }

    @Override
    public String readString() throws IOException {
        return readString(null).toString();
    }

    @Override
    public void skipString() throws IOException {
        d.skipFixed(length(d.readLong(), "string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        byte[] b = new byte[length(d.readLong(), "bytes")];
        d.readFixed(b);
        return ByteBuffer.wrap(b);
    }

    @Override
    public void skipBytes() throws IOException {
        d.skipFixed(length(d.readLong(), "bytes"));
    }

    @Override
    public void readFixed(byte[] bytes, int start, int len) throws IOException {
        length(len, "fixed");
        d.readFixed(bytes, start, len);
    }

    @Override
    public void skipFixed(int len) throws IOException {
        d.skipFixed(length(len, "fixed"));
    }

    @Override
    public int readEnum() throws IOException {
        return d.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return count(d.readLong());
    }

    @Override
    public long arrayNext() throws IOException {
        return count(d.readLong());
    }

    @Override
    public long skipArray() throws IOException {
        return count(d.readLong());
    }

    @Override
    public long readMapStart() throws IOException {
        return count(d.readLong());
    }

    @Override
    public long mapNext() throws IOException {
        return count(d.readLong());
    }

    @Override
    public long skipMap() throws IOException {
        return count(d.readLong());
    }

    @Override
    public int readIndex() throws IOException {
        return d.readIndex();
    }
}
