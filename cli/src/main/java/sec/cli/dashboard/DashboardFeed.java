package sec.cli.dashboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sec.connectors.AvroCodec;
import sec.connectors.KafkaSettings;
import sec.schemas.EmotionAlert;
import sec.schemas.EmotionCaption;

/**
 * Reads the caption and alert topics (read_committed, so never a caption a failover rolled back)
 * from {@code since} ago onwards and publishes them to the hub, with fresh figures every second.
 * No consumer group: every dashboard is its own reader and commits nothing. Records that do not
 * decode are skipped (the pipeline's dead-letter topic is where bad input is reported).
 */
final class DashboardFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardFeed.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaSettings.Topics topics;
    private final DashboardHub hub;
    private final DashboardEvents events;
    private final LiveStats stats = new LiveStats();
    private final AvroCodec<EmotionCaption> captions = new AvroCodec<>(EmotionCaption.class);
    private final AvroCodec<EmotionAlert> alerts = new AvroCodec<>(EmotionAlert.class);
    private final Thread thread;
    private volatile boolean running = true;

    DashboardFeed(KafkaSettings kafka, Duration since, DashboardHub hub, DashboardEvents events) {
        this.topics = kafka.topics();
        this.hub = hub;
        this.events = events;
        Properties c = kafka.clientConfig();
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "sec-dashboard");
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(topics.captions(), topics.alerts())) {
                var found = consumer.partitionsFor(topic, Duration.ofSeconds(30));
                if (found == null || found.isEmpty()) {
                    throw new IllegalStateException("topic " + topic + " not found on " + kafka.bootstrapServers()
                            + " (sec topics create makes it)");
                }
                found.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            seekTo(partitions, System.currentTimeMillis() - since.toMillis());
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        thread = new Thread(this::run, "sec-dashboard-feed");
        thread.setDaemon(true);
        thread.start();
    }

    private void seekTo(List<TopicPartition> partitions, long fromMs) {
        Map<TopicPartition, Long> at = new HashMap<>();
        partitions.forEach(p -> at.put(p, Math.max(0, fromMs)));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(at);
        List<TopicPartition> none = new ArrayList<>();
        offsets.forEach((p, o) -> {
            if (o == null) {
                none.add(p); // nothing that recent: only what comes next
            } else {
                consumer.seek(p, o.offset());
            }
        });
        consumer.seekToEnd(none);
    }

    private void run() {
        long nextStats = 0;
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(250));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    accept(r);
                }
                long now = System.currentTimeMillis();
                if (now >= nextStats || !records.isEmpty()) { // fresh figures with every batch, at least every second
                    hub.publishStats(stats.snapshot(now).toString());
                    nextStats = now + 1000;
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("dashboard feed stopped: {}", e.toString(), e);
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> r) {
        long now = System.currentTimeMillis();
        try {
            if (r.topic().equals(topics.alerts())) {
                hub.publish(events.alert(alerts.decode(r.value()), now).toString());
                stats.alert();
            } else {
                EmotionCaption c = captions.decode(r.value());
                hub.publish(events.caption(c, now).toString());
                stats.caption(c.getCallId(), c.getDrafted(), c.getSent(), c.getAccepted(), now);
            }
        } catch (RuntimeException e) {
            LOG.warn("dashboard skipped {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
        consumer.close(Duration.ofSeconds(5));
    }
}
