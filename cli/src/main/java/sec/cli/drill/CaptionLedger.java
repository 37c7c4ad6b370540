package sec.cli.drill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import sec.connectors.AvroCodec;
import sec.connectors.KafkaSettings;
import sec.schemas.EmotionCaption;

/**
 * Every caption a read_committed consumer of the caption topic sees, from its beginning, with the
 * time each arrived: what a user downstream would have. No consumer group: when the broker
 * restarts, a group member re-reads from its last committed offset, and those re-reads would count
 * as duplicates (a first run of the cluster drill counted 11 while the topic held 74 captions for
 * 74 utterances); offsets are tracked here instead, so a record is counted once.
 */
public final class CaptionLedger extends Thread implements AutoCloseable {
    private final KafkaSettings kafka;
    private final Map<String, List<EmotionCaption>> byUtterance = new ConcurrentHashMap<>();
    private final List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());
    private final List<EmotionCaption> inOrder = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    public CaptionLedger(KafkaSettings kafka) {
        super("caption-ledger");
        this.kafka = kafka;
        setDaemon(true);
    }

    @Override
    public void run() {
        Properties c = kafka.clientConfig();
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroCodec<EmotionCaption> codec = new AvroCodec<>(EmotionCaption.class);
        Map<Integer, Long> seen = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(kafka.topics().captions()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() <= seen.getOrDefault(r.partition(), -1L)) {
                        continue;
                    }
                    seen.put(r.partition(), r.offset());
                    EmotionCaption cap = codec.decode(r.value());
                    byUtterance.computeIfAbsent(cap.getUtteranceId(), k -> Collections.synchronizedList(new ArrayList<>())).add(cap);
                    synchronized (arrivals) {
                        arrivals.add(System.currentTimeMillis());
                        inOrder.add(cap);
                    }
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** Utterance id → every caption seen for it (more than one is a duplicate). */
    public Map<String, List<EmotionCaption>> byUtterance() {
        checkAlive();
        return byUtterance;
    }

    /** When the first caption passing {@code which} arrived after {@code t} (epoch ms), or -1 after {@code limit}. */
    public long firstCaptionAfter(long t, Predicate<EmotionCaption> which, Duration limit) throws InterruptedException {
        long deadline = System.currentTimeMillis() + limit.toMillis();
        int from = 0;
        while (System.currentTimeMillis() < deadline) {
            checkAlive();
            synchronized (arrivals) {
                for (; from < arrivals.size(); from++) {
                    if (arrivals.get(from) > t && which.test(inOrder.get(from))) {
                        return arrivals.get(from);
                    }
                }
            }
            Thread.sleep(100);
        }
        return -1;
    }

    /** Waits until {@code done} holds for the captions seen or {@code limit} passes, then {@code settle} more so a late duplicate shows. */
    public void await(Predicate<Map<String, List<EmotionCaption>>> done, Duration limit, Duration settle) throws InterruptedException {
        long deadline = System.currentTimeMillis() + limit.toMillis();
        while (!done.test(byUtterance) && System.currentTimeMillis() < deadline) {
            checkAlive();
            Thread.sleep(200);
        }
        Thread.sleep(settle.toMillis());
    }

    private void checkAlive() {
        if (failure != null) {
            throw new IllegalStateException("the caption reader failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        join(10_000);
    }
}
