package sec.connectors;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import sec.schemas.DeadLetter;

/**
 * Kafka bytes to a wire record, or to a {@link DeadLetter} naming topic, partition, offset and
 * reason when the bytes are not one: a malformed record never fails the job.
 */
public final class AvroDeserialization<T extends SpecificRecordBase>
        implements KafkaRecordDeserializationSchema<Either<DeadLetter, T>> {
    private final Class<T> type;
    private transient AvroCodec<T> codec;

    public AvroDeserialization(Class<T> type) {
        this.type = type;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Either<DeadLetter, T>> out) throws IOException {
        if (codec == null) {
            codec = new AvroCodec<>(type);
        }
        try {
            out.collect(Either.Right(codec.decode(record.value())));
        } catch (MalformedRecordException e) {
            out.collect(Either.Left(DeadLetter.newBuilder().setSourceTopic(record.topic()).setPartition(record.partition())
                    .setOffset(record.offset()).setReason(e.getMessage())
                    .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                    .setPayload(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                    .setTimestampMs(record.timestamp()).build()));
        }
    }

    @Override
    public TypeInformation<Either<DeadLetter, T>> getProducedType() {
        return new EitherTypeInfo<>(new AvroTypeInfo<>(DeadLetter.class), new AvroTypeInfo<>(type));
    }
}
