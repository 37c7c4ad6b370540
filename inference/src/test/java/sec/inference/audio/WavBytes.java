package sec.inference.audio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds RIFF/WAVE byte arrays chunk by chunk, so tests can produce valid and broken files alike. */
final class WavBytes {

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    WavBytes() {
        body.writeBytes("WAVE".getBytes(StandardCharsets.US_ASCII));
    }

    /** A plain 16-byte fmt chunk. */
    WavBytes fmt(int tag, int channels, int rate, int bits) {
        int block = channels * bits / 8;
        return chunk("fmt ", le(2, tag), le(2, channels), le(4, rate), le(4, rate * block), le(2, block), le(2, bits));
    }

    /** A WAVE_FORMAT_EXTENSIBLE fmt chunk (40 bytes) whose subformat GUID carries {@code subTag}. */
    WavBytes fmtExtensible(int subTag, int channels, int rate, int bits) {
        int block = channels * bits / 8;
        byte[] guid = {0, 0, 0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71};
        guid[0] = (byte) subTag;
        guid[1] = (byte) (subTag >> 8);
        return chunk("fmt ", le(2, 0xFFFE), le(2, channels), le(4, rate), le(4, rate * block), le(2, block),
                le(2, bits), le(2, 22), le(2, bits), le(4, 0), guid);
    }

    WavBytes data(byte[] payload) {
        return chunk("data", payload);
    }

    /** Any chunk; an odd-sized one gets its pad byte, as RIFF requires. */
    WavBytes chunk(String id, byte[]... parts) {
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            c.writeBytes(p);
        }
        byte[] bytes = c.toByteArray();
        body.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(le(4, bytes.length));
        body.writeBytes(bytes);
        if (bytes.length % 2 == 1) {
            body.write(0);
        }
        return this;
    }

    /** Raw bytes appended without a chunk header (for broken files). */
    WavBytes raw(byte[] bytes) {
        body.writeBytes(bytes);
        return this;
    }

    byte[] build() {
        byte[] b = body.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(8 + b.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(b.length).put(b);
        return out.array();
    }

    static byte[] le(int bytes, int value) {
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            out[i] = (byte) (value >> (8 * i));
        }
        return out;
    }

    /** Interleaved little-endian int16 samples. */
    static byte[] pcm16(short... samples) {
        ByteBuffer b = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : samples) {
            b.putShort(s);
        }
        return b.array();
    }
}
