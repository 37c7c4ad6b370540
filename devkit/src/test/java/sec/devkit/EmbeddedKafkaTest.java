package sec.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sec.connectors.AvroCodec;
import sec.schemas.AudioEncoding;
import sec.schemas.AudioFrame;
import sec.schemas.Channel;

/** The embedded broker carries Avro frames keyed by call id, in order per call. */
class EmbeddedKafkaTest {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void framesOfOneCallArriveInOrderOnOnePartition() throws Exception {
        String topic = "frames-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        assertTrue(kafka.bootstrapServers().startsWith("127.0.0.1:"), kafka.bootstrapServers());
        AvroCodec<AudioFrame> codec = new AvroCodec<>(AudioFrame.class);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int seq = 0; seq < 20; seq++) {
                for (String call : List.of("call-a", "call-b")) {
                    producer.send(new ProducerRecord<>(topic, call.getBytes(), codec.encode(frame(call, seq))));
                }
            }
        }
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (got.size() < 40 && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
        }
        assertEquals(40, got.size());
        for (String call : List.of("call-a", "call-b")) {
            List<ConsumerRecord<byte[], byte[]>> mine = got.stream().filter(r -> new String(r.key()).equals(call)).toList();
            assertEquals(1, mine.stream().map(ConsumerRecord::partition).distinct().count(), call + " on one partition");
            for (int i = 0; i < mine.size(); i++) {
                AudioFrame f = codec.decode(mine.get(i).value());
                assertEquals(call, f.getCallId());
                assertEquals(i, f.getSeq(), call + " in order");
            }
        }
    }

    private static AudioFrame frame(String callId, long seq) {
        return AudioFrame.newBuilder().setCallId(callId).setChannel(Channel.CUSTOMER).setSeq(seq)
                .setStartMs(seq * 20).setSampleRate(8000).setEncoding(AudioEncoding.MULAW)
                .setPayload(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) seq})).setLast(false).build();
    }
}
