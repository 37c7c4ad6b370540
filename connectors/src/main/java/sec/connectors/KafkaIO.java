package sec.connectors;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import sec.schemas.DeadLetter;

/** Kafka sources and sinks of the wire records, configured from {@link KafkaSettings}. */
public final class KafkaIO {
    private KafkaIO() {}

    /**
     * One topic's records as a stream, the malformed ones on the {@link DeadLetterSplit#DEAD_LETTERS}
     * side output: the source (uid {@code NAME-source}) and its split ({@code NAME-decode}), the
     * uids a savepoint's state is matched by.
     */
    public static <T extends SpecificRecordBase> SingleOutputStreamOperator<T> records(StreamExecutionEnvironment env,
            KafkaSettings settings, String topic, Class<T> type, String group, OffsetsInitializer start, String name) {
        return env.fromSource(source(settings, topic, type, group, start), WatermarkStrategy.noWatermarks(), name)
                .uid(name + "-source")
                .process(new DeadLetterSplit<T>()).name(name + "-decode").uid(name + "-decode");
    }

    /** Reads one record type; malformed records come out as Left(DeadLetter). Committed data only. */
    public static <T extends SpecificRecordBase> KafkaSource<Either<DeadLetter, T>> source(
            KafkaSettings settings, String topic, Class<T> type, String group, OffsetsInitializer start) {
        return source(settings, topic, type, group, start, null);
    }

    /** As {@link #source(KafkaSettings, String, Class, String, OffsetsInitializer)}, ending at {@code stop} when not null (benchmarks, replays). */
    public static <T extends SpecificRecordBase> KafkaSource<Either<DeadLetter, T>> source(
            KafkaSettings settings, String topic, Class<T> type, String group, OffsetsInitializer start, OffsetsInitializer stop) {
        var b = KafkaSource.<Either<DeadLetter, T>>builder()
                .setProperties(settings.clientConfig())
                .setTopics(topic)
                .setGroupId(settings.groupIdPrefix() + "-" + group)
                .setStartingOffsets(start)
                .setProperty("isolation.level", "read_committed")
                .setDeserializer(new AvroDeserialization<>(type));
        if (stop != null) {
            b.setBounded(stop);
        }
        return b.build();
    }

    /**
     * Writes one record type keyed by call id. EXACTLY_ONCE uses Kafka transactions committed on
     * checkpoints (readers use read_committed); AT_LEAST_ONCE flushes on checkpoints.
     */
    public static <T extends SpecificRecordBase> KafkaSink<T> sink(KafkaSettings settings, String topic, Class<T> type,
            AvroSerialization.KeyOf<T> key, DeliveryGuarantee guarantee) {
        var b = KafkaSink.<T>builder()
                .setKafkaProducerConfig(settings.clientConfig())
                .setRecordSerializer(new AvroSerialization<>(topic, type, key))
                .setDeliveryGuarantee(guarantee);
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            b.setTransactionalIdPrefix(settings.transactionalIdPrefix() + "-" + topic)
                    .setProperty("transaction.timeout.ms", "60000");
        }
        return b.build();
    }
}
