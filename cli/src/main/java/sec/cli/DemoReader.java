package sec.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import sec.connectors.AvroCodec;
import sec.connectors.KafkaSettings;
import sec.schemas.EmotionAlert;
import sec.schemas.EmotionCaption;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/** What `sec demo` reads back from the broker: captions, alerts, dead letters (and, with faults, the cloud's traffic). */
final class DemoReader {
    private DemoReader() {}

    /**
     * Reads captions (read_committed) and dead letters until every utterance has its caption and
     * every injected bad record its dead letter; with faults injected, also the requests and
     * verdicts, so the summary can name the blocks the cloud never answered.
     */
    static void read(KafkaSettings settings, DemoSummary summary, DemoWarmup warmup, PrintWriter out,
            Duration limit, boolean watchCloud) {
        Properties c = settings.clientConfig();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "sec-demo-reader");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroCodec<EmotionCaption> codec = new AvroCodec<>(EmotionCaption.class);
        AvroCodec<VerifyRequest> requests = new AvroCodec<>(VerifyRequest.class);
        AvroCodec<Verdict> verdicts = new AvroCodec<>(Verdict.class);
        AvroCodec<EmotionAlert> alerts = new AvroCodec<>(EmotionAlert.class);
        var topics = settings.topics();
        long deadline = System.currentTimeMillis() + limit.toMillis();
        long drainUntil = Long.MAX_VALUE;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(watchCloud ? List.of(topics.captions(), topics.deadLetters(), topics.alerts(), topics.requests(),
                    topics.verdicts()) : List.of(topics.captions(), topics.deadLetters(), topics.alerts()));
            while (System.currentTimeMillis() < Math.min(deadline, drainUntil)) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    if (DemoWarmup.isWarmup(r.key())) {
                        if (r.topic().equals(topics.captions())) {
                            warmup.caption();
                        }
                    } else if (r.topic().equals(topics.deadLetters())) {
                        summary.deadLetter();
                    } else if (r.topic().equals(topics.alerts())) {
                        EmotionAlert a = alerts.decode(r.value());
                        summary.alert();
                        out.printf("ALERT %-12s %-14s %s%n", a.getCallId(), a.getRule(), a.getMessage());
                    } else if (r.topic().equals(topics.requests())) {
                        summary.request(requests.decode(r.value()));
                    } else if (r.topic().equals(topics.verdicts())) {
                        summary.verdict(verdicts.decode(r.value()));
                    } else {
                        summary.add(codec.decode(r.value()), out);
                    }
                }
                if (summary.complete() && drainUntil == Long.MAX_VALUE) {
                    // alerts (and, when injecting, requests and verdicts) for the last captions commit with
                    // the next checkpoint (every second): read on a little longer
                    drainUntil = System.currentTimeMillis() + 2_500;
                }
            }
        }
    }
}
