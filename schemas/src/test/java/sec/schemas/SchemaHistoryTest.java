package sec.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every wire record reads every released version of itself (schemas/history). */
class SchemaHistoryTest {
    private static final Path HISTORY = Path.of("history");

    static List<Schema> current() {
        return List.of(AudioFrame.getClassSchema(), AcousticContext.getClassSchema(), VerifyRequest.getClassSchema(),
                Verdict.getClassSchema(), EmotionCaption.getClassSchema(), DeadLetter.getClassSchema(),
                ModelRollout.getClassSchema(), RolloutStatus.getClassSchema());
    }

    private static List<Path> versions(Schema schema) throws IOException {
        Path dir = HISTORY.resolve(schema.getName());
        assertTrue(Files.isDirectory(dir), "no released versions of " + schema.getName() + " in " + dir.toAbsolutePath());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("current")
    void readsEveryReleasedVersion(Schema reader) throws IOException {
        List<Path> versions = versions(reader);
        assertFalse(versions.isEmpty(), reader.getName() + " has no released version");
        for (Path v : versions) {
            Schema writer = new Schema.Parser().parse(v.toFile());
            var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
            assertEquals(SchemaCompatibilityType.COMPATIBLE, result.getType(),
                    reader.getName() + " cannot read " + v + ": " + result.getResult().getIncompatibilities());
        }
    }

    @ParameterizedTest
    @MethodSource("current")
    void decodesBytesWrittenWithEveryReleasedVersion(Schema reader) throws IOException {
        for (Path v : versions(reader)) {
            Schema writer = new Schema.Parser().parse(v.toFile());
            GenericRecord old = sample(writer);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(writer).write(old, enc);
            enc.flush();
            SpecificDatumReader<SpecificRecord> r = new SpecificDatumReader<>(writer, reader, SpecificData.get());
            SpecificRecord decoded = r.read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
            for (Schema.Field f : writer.getFields()) {
                Schema.Field now = reader.getField(f.name());
                if (now != null && f.schema().getType() != Schema.Type.BYTES) {
                    assertEquals(String.valueOf(old.get(f.name())), String.valueOf(decoded.get(now.pos())),
                            reader.getName() + "." + f.name() + " from " + v);
                }
            }
        }
    }

    /** A record of the given schema with a plausible value in every field. */
    private static GenericRecord sample(Schema schema) {
        GenericRecord r = new GenericData.Record(schema);
        for (Schema.Field f : schema.getFields()) {
            r.put(f.name(), value(f.schema(), f.name()));
        }
        return r;
    }

    private static Object value(Schema s, String name) {
        return switch (s.getType()) {
            case STRING -> name + "-value";
            case INT -> name.length();
            case LONG -> 1000L + name.length();
            case FLOAT -> 1.5f;
            case DOUBLE -> 2.5;
            case BOOLEAN -> true;
            case BYTES -> java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3});
            case ENUM -> new GenericData.EnumSymbol(s, s.getEnumSymbols().get(s.getEnumSymbols().size() - 1));
            case ARRAY -> List.of(value(s.getElementType(), name), value(s.getElementType(), name));
            case MAP -> java.util.Map.of(name + "-key", value(s.getValueType(), name));
            case UNION -> value(s.getTypes().get(s.getTypes().size() - 1), name);
            case NULL -> null;
            default -> throw new IllegalArgumentException("no sample for " + s);
        };
    }
}
