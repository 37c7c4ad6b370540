package sec.cli.inject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import sec.connectors.AvroCodec;
import sec.schemas.AudioEncoding;
import sec.schemas.AudioFrame;

/**
 * Records a telephony system should not send, one of each kind in turn: bytes that are not Avro,
 * an encoding this build does not know, a sample rate the model cannot use, an odd-length PCM16
 * payload, an empty payload, a payload over the limit, an empty call id, a 10 kB call id. Each must
 * become exactly one dead letter and change no caption: they carry sequence numbers far from the
 * call's own.
 */
public final class BadFrames {
    /** A record to send at call time {@code atMs} (ms after the stream starts). */
    public record Timed(long atMs, byte[] key, byte[] value) {}

    public static final int KINDS = 8;
    private static final long FAR_SEQ = 1_000_000_000L;

    private BadFrames() {}

    /** {@code count} bad records spread at random over the calls and their duration. */
    public static List<Timed> among(List<List<AudioFrame>> calls, int count, int maxPayloadBytes, long seed) {
        Random rnd = new Random(seed);
        AvroCodec<AudioFrame> codec = new AvroCodec<>(AudioFrame.class);
        List<Timed> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            List<AudioFrame> call = calls.get(rnd.nextInt(calls.size()));
            AudioFrame near = call.get(rnd.nextInt(call.size()));
            AudioFrame f = AudioFrame.newBuilder(near).setSeq(FAR_SEQ + i).setLast(false).build();
            String callId = switch (i % KINDS) {
                case 6 -> "";
                case 7 -> "x".repeat(10_240);
                default -> f.getCallId();
            };
            byte[] value = switch (i % KINDS) {
                case 0 -> notAvro(rnd);
                case 1 -> unknownEncoding(f);
                case 2 -> codec.encode(withRate(f, 50));
                case 3 -> codec.encode(withPayload(f, new byte[161], AudioEncoding.PCM16LE));
                case 4 -> codec.encode(withPayload(f, new byte[0], f.getEncoding()));
                case 5 -> codec.encode(withPayload(f, new byte[maxPayloadBytes + 1], f.getEncoding()));
                default -> codec.encode(AudioFrame.newBuilder(f).setCallId(callId).build());
            };
            out.add(new Timed(near.getStartMs(), callId.getBytes(StandardCharsets.UTF_8), value));
        }
        out.sort((a, b) -> Long.compare(a.atMs(), b.atMs()));
        return out;
    }

    private static byte[] notAvro(Random rnd) {
        byte[] b = new byte[3 + rnd.nextInt(40)];
        rnd.nextBytes(b);
        b[0] = (byte) 0x81; // a negative string length: never a valid AudioFrame
        return b;
    }

    /** A frame as a newer producer might write it, with encoding symbol 9, which this schema lacks. */
    private static byte[] unknownEncoding(AudioFrame f) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(bytes, null);
        try {
            e.writeString(f.getCallId());
            e.writeEnum(f.getChannel().ordinal());
            e.writeLong(f.getSeq());
            e.writeLong(f.getStartMs());
            e.writeInt(f.getSampleRate());
            e.writeEnum(9);
            e.writeBytes(f.getPayload().duplicate());
            e.writeBoolean(false);
            e.writeIndex(0);
            e.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    private static AudioFrame withRate(AudioFrame f, int rate) {
        return AudioFrame.newBuilder(f).setSampleRate(rate).build();
    }

    private static AudioFrame withPayload(AudioFrame f, byte[] payload, AudioEncoding encoding) {
        return AudioFrame.newBuilder(f).setPayload(ByteBuffer.wrap(payload)).setEncoding(encoding).build();
    }
}
