package sec.cli.bench;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import sec.connectors.AvroCodec;
import sec.connectors.DeadLetterSplit;
import sec.connectors.KafkaIO;
import sec.connectors.KafkaSettings;
import sec.operators.SegmenterConfig;
import sec.operators.UtteranceSegmenter;
import sec.schemas.AudioFrame;

/**
 * Frames per second out of one Kafka topic on the same broker, parallelism 1: a trivial
 * Kafka → Flink → Kafka job that copies the bytes (the ceiling), and the edge job's frame path
 * (Avro decode, dead-letter split, keyed UtteranceSegmenter: reorder, G.711 decode, resample,
 * endpointing). Both are timed from the first frame past a meter to the last, so job start-up is out.
 */
public final class KafkaThroughputBench {
    private KafkaThroughputBench() {}

    /** Writes the calls' frames to {@code topic}, {@code copies} times under fresh call ids; returns the count. */
    public static long fill(KafkaSettings kafka, String topic, List<List<AudioFrame>> calls, int copies) {
        AvroCodec<AudioFrame> codec = new AvroCodec<>(AudioFrame.class);
        Properties p = kafka.clientConfig();
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        long n = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int c = 0; c < copies; c++) {
                for (List<AudioFrame> call : calls) {
                    for (AudioFrame f : call) {
                        AudioFrame copy = AudioFrame.newBuilder(f).setCallId(f.getCallId() + "-" + c).build();
                        producer.send(new ProducerRecord<>(topic, copy.getCallId().getBytes(), codec.encode(copy)));
                        n++;
                    }
                }
            }
        }
        return n;
    }

    /** Records per second of a job that copies {@code in} to {@code out} as bytes. */
    public static double passthrough(KafkaSettings kafka, String in, String out) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        KafkaSource<byte[]> source = KafkaSource.<byte[]>builder().setProperties(kafka.clientConfig()).setTopics(in)
                .setGroupId("bench-passthrough").setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(KafkaRecordDeserializationSchema.valueOnly(ByteArrayDeserializer.class)).build();
        KafkaSink<byte[]> sink = KafkaSink.<byte[]>builder().setKafkaProducerConfig(kafka.clientConfig())
                .setRecordSerializer(KafkaRecordSerializationSchema.<byte[]>builder().setTopic(out)
                        .setValueSerializationSchema(new AsIs()).build())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE).build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "in").map(new Meter<>()).sinkTo(sink);
        Meter.reset();
        env.execute("bench-kafka-passthrough");
        return Meter.rate();
    }

    /** Frames per second through the edge job's frame path (source, decode, segmenter). */
    public static double edgeFrames(KafkaSettings kafka, String in) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.fromSource(KafkaIO.source(kafka, in, AudioFrame.class, "bench-edge-frames", OffsetsInitializer.earliest(),
                        OffsetsInitializer.latest()), WatermarkStrategy.noWatermarks(), "frames")
                .process(new DeadLetterSplit<>())
                .map(new Meter<>())
                .keyBy(AudioFrame::getCallId)
                .process(new UtteranceSegmenter(SegmenterConfig.defaults()))
                .sinkTo(new DiscardingSink<>());
        Meter.reset();
        env.execute("bench-edge-frames");
        return Meter.rate();
    }

    /** Bytes written as they are. */
    private static final class AsIs implements org.apache.flink.api.common.serialization.SerializationSchema<byte[]> {
        @Override
        public byte[] serialize(byte[] element) {
            return element;
        }
    }

    /** Counts what passes and when the first and the last passed (one JVM: the local MiniCluster's). */
    static final class Meter<T> implements MapFunction<T, T> {
        private static final AtomicLong COUNT = new AtomicLong();
        private static final AtomicLong FIRST = new AtomicLong();
        private static final AtomicLong LAST = new AtomicLong();

        static void reset() {
            COUNT.set(0);
            FIRST.set(0);
            LAST.set(0);
        }

        /** Records per second between the first and the last (the first not counted). */
        static double rate() {
            return (COUNT.get() - 1) / ((LAST.get() - FIRST.get()) / 1e9);
        }

        @Override
        public T map(T value) {
            long now = System.nanoTime();
            if (COUNT.getAndIncrement() == 0) {
                FIRST.set(now);
            }
            LAST.set(now);
            return value;
        }
    }
}
