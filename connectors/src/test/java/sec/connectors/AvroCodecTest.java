package sec.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import sec.schemas.AudioEncoding;
import sec.schemas.AudioFrame;
import sec.schemas.Channel;

class AvroCodecTest {
    static AudioFrame frame(String callId, long seq) {
        return AudioFrame.newBuilder().setCallId(callId).setChannel(Channel.CUSTOMER).setSeq(seq)
                .setStartMs(seq * 20).setSampleRate(8000).setEncoding(AudioEncoding.MULAW)
                .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) seq})).setLast(false).build();
    }

    @Test
    void roundTrips() {
        AvroCodec<AudioFrame> codec = new AvroCodec<>(AudioFrame.class);
        AudioFrame f = frame("call-1", 7);
        assertEquals(f, codec.decode(codec.encode(f)));
    }

    @Test
    void garbageTruncationAndTrailingBytesAreMalformed() {
        AvroCodec<AudioFrame> codec = new AvroCodec<>(AudioFrame.class);
        byte[] good = codec.encode(frame("call-1", 7));
        for (byte[] bad : new byte[][] {
                "definitely not avro".getBytes(), Arrays.copyOf(good, good.length - 3),
                Arrays.copyOf(good, good.length + 2), new byte[0]}) {
            MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> codec.decode(bad));
            assertTrue(e.getMessage().contains("AudioFrame"), e.getMessage());
        }
    }
}
