package sec.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import sec.inference.audio.AudioEncoding;
import sec.inference.audio.ChannelSegmenter;
import sec.inference.audio.EndpointerSettings;
import sec.inference.audio.InvalidAudioException;
import sec.schemas.AcousticContext;
import sec.schemas.AudioFrame;
import sec.schemas.DeadLetter;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/**
 * Coverage-guided fuzzing (Jazzer) of what the jobs do with bytes from Kafka: every record topic's
 * deserializer, and for a frame that decodes, the segmenter's decode, reorder, resample and
 * endpoint path. Whatever the bytes, each record becomes exactly one value or one dead letter, and
 * a frame's audio either enters its channel or is refused with {@link InvalidAudioException}:
 * nothing else may be thrown (a throw would fail the job and restart it on the same bytes).
 *
 * <p>The seeds beside this test (resources, RecordDecodingFuzzTestInputs) are valid frames and a
 * request, so mutation starts from records that reach the segmenter, and the inputs of past
 * findings (crash-*), so they stay fixed. Under {@code mvn verify} this runs for a bounded time in fuzzing mode (the {@code fuzz}
 * execution in connectors/pom.xml); docs/OPERATIONS.md "Fuzzing" gives the longer run.
 */
class RecordDecodingFuzzTest {
    private static final List<Class<? extends SpecificRecordBase>> TYPES =
            List.of(AudioFrame.class, VerifyRequest.class, Verdict.class, AcousticContext.class);
    private static final List<AvroDeserialization<? extends SpecificRecordBase>> DESERIALIZERS = new ArrayList<>();

    static {
        for (Class<? extends SpecificRecordBase> t : TYPES) {
            DESERIALIZERS.add(new AvroDeserialization<>(t));
        }
    }

    @FuzzTest(maxDuration = "60s")
    void anyBytesBecomeOneRecordOrOneDeadLetter(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        // first byte: which topic's deserializer (low two bits) and whether to segment a frame (bit 2)
        int type = input[0] & 3;
        boolean segment = (input[0] & 4) != 0;
        byte[] value = java.util.Arrays.copyOfRange(input, 1, input.length);
        List<Either<DeadLetter, ? extends SpecificRecordBase>> out = new ArrayList<>();
        deserialize(DESERIALIZERS.get(type), value, out);
        assertEquals(1, out.size());
        if (out.get(0).isLeft()) {
            DeadLetter d = out.get(0).left();
            assertTrue(d.getReason() != null && !d.getReason().isEmpty());
            assertEquals(ByteBuffer.wrap(value), d.getPayload());
        } else if (segment && out.get(0).right() instanceof AudioFrame f) {
            ChannelSegmenter seg = new ChannelSegmenter(EndpointerSettings.defaults(8000, 12.0), 4);
            byte[] payload = new byte[f.getPayload().remaining()];
            f.getPayload().duplicate().get(payload);
            try {
                // the frame twice, and once more later: duplicates and gaps on the same path
                seg.accept(f.getSeq(), f.getStartMs(), f.getSampleRate(), AudioEncoding.valueOf(f.getEncoding().name()), payload);
                seg.accept(f.getSeq(), f.getStartMs(), f.getSampleRate(), AudioEncoding.valueOf(f.getEncoding().name()), payload);
                seg.accept(f.getSeq() + 7, f.getStartMs() + 140, f.getSampleRate(),
                        AudioEncoding.valueOf(f.getEncoding().name()), payload);
                seg.flush();
            } catch (InvalidAudioException refused) {
                // a defined outcome: the operator dead-letters the frame
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void deserialize(AvroDeserialization d, byte[] value, List out) throws Exception {
        d.deserialize(new ConsumerRecord<>("topic", 0, 42L, new byte[] {1}, value), new Collector() {
            @Override
            public void collect(Object record) {
                out.add(record);
            }

            @Override
            public void close() {}
        });
    }

    /** The seeds must stay what they claim to be, or the fuzzer starts from garbage. */
    @org.junit.jupiter.api.Test
    void theSeedFramesAreFramesTheSegmenterTakes() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(getClass().getResource(
                "RecordDecodingFuzzTestInputs/anyBytesBecomeOneRecordOrOneDeadLetter").toURI());
        AvroCodec<AudioFrame> codec = new AvroCodec<>(AudioFrame.class);
        int seeds = 0;
        try (var files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) files.filter(f -> f.getFileName().toString().startsWith("seed-"))::iterator) {
                byte[] b = java.nio.file.Files.readAllBytes(p);
                AudioFrame f = codec.decode(java.util.Arrays.copyOfRange(b, 1, b.length));
                assertEquals("call-1", f.getCallId().toString());
                byte[] payload = new byte[f.getPayload().remaining()];
                f.getPayload().duplicate().get(payload);
                new ChannelSegmenter(EndpointerSettings.defaults(8000, 12.0), 4).accept(f.getSeq(), f.getStartMs(),
                        f.getSampleRate(), AudioEncoding.valueOf(f.getEncoding().name()), payload);
                seeds++;
            }
        }
        assertEquals(3, seeds);
    }
}
