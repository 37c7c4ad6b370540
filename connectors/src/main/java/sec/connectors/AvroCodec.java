package sec.connectors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro binary encoding of one wire record type (no schema registry: the schema travels with the
 * code, and {@code schemas/history} keeps every released version readable). Not thread-safe: one
 * instance per serializer instance.
 */
public final class AvroCodec<T extends SpecificRecord> {
    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;
    private final Class<T> type;
    private BinaryEncoder encoder;

    public AvroCodec(Class<T> type) {
        this.type = type;
        Schema schema = SpecificData.get().getSchema(type);
        this.writer = new SpecificDatumWriter<>(schema);
        this.reader = new SpecificDatumReader<>(schema);
    }

    public Class<T> type() {
        return type;
    }

    public byte[] encode(T record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        encoder = EncoderFactory.get().binaryEncoder(out, encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes one record; throws {@link MalformedRecordException} with the reason when the bytes
     * are not a record of this type (truncated, garbage, trailing bytes, a length past the end).
     */
    public T decode(byte[] bytes) {
        if (bytes == null) {
            throw new MalformedRecordException("null value, expected " + type.getSimpleName());
        }
        BoundedDecoder decoder = new BoundedDecoder(bytes);
        try {
            T record = reader.read(null, decoder);
            if (decoder.remaining() > 0) {
                throw new MalformedRecordException("trailing bytes after a " + type.getSimpleName());
            }
            return record;
        } catch (IOException | RuntimeException e) {
            if (e instanceof MalformedRecordException m) {
                throw m;
            }
            throw new MalformedRecordException("not a " + type.getSimpleName() + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
    }
}
