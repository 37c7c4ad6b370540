package sec.connectors;

import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.Function;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A wire record to Kafka: Avro value, key = the call id, so a call stays on one partition in order. */
public final class AvroSerialization<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
    /** The record's key (its call id). */
    @FunctionalInterface
    public interface KeyOf<T> extends Function {
        String key(T record);
    }

    private final String topic;
    private final Class<T> type;
    private final KeyOf<T> key;
    private transient AvroCodec<T> codec;

    public AvroSerialization(String topic, Class<T> type, KeyOf<T> key) {
        this.topic = topic;
        this.type = type;
        this.key = key;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = new AvroCodec<>(type);
        }
        String k = key.key(element);
        return new ProducerRecord<>(topic, null, timestamp, k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                codec.encode(element));
    }
}
