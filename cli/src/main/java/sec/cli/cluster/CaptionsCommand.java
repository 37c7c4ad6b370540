package sec.cli.cluster;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sec.connectors.AvroCodec;
import sec.connectors.KafkaSettings;
import sec.schemas.EmotionCaption;

/**
 * {@code sec captions}: tails the caption topic as a downstream consumer should read it
 * (read_committed: only captions of committed transactions, so never one a failover rolled back)
 * and prints each as one JSON line (Avro's JSON form), to stdout or a file.
 */
@Command(name = "captions", mixinStandardHelpOptions = true, description = "Tail the caption topic (read_committed) as JSON lines.")
public final class CaptionsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--out", paramLabel = "FILE", description = "write the JSON lines to this file instead of stdout")
    Path outFile;

    @Option(names = "--from-beginning", description = "start at the topic's first caption instead of the next one")
    boolean fromBeginning;

    @Option(names = "--count", paramLabel = "N", description = "stop after N captions")
    Integer count;

    @Option(names = "--idle-s", paramLabel = "S", description = "stop after S seconds without a caption")
    Integer idleS;

    @Option(names = "--partials", description = "read the partial captions topic instead")
    boolean partials;

    @Override
    public Integer call() throws Exception {
        KafkaSettings kafka = cluster.kafka();
        Properties c = kafka.clientConfig();
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroCodec<EmotionCaption> codec = new AvroCodec<>(EmotionCaption.class);
        PrintWriter stdout = spec.commandLine().getOut();
        int seen = 0;
        try (Writer file = outFile == null ? null : Files.newBufferedWriter(outFile);
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            PrintWriter out = file == null ? stdout : new PrintWriter(file);
            // No consumer group: a tail needs none, and a group member that rejoins after a broker restart
            // re-reads from its last committed offset (the cluster drill saw that as duplicate captions).
            String topic = partials ? kafka.topics().partials() : kafka.topics().captions();
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            long lastCaption = System.currentTimeMillis();
            while ((count == null || seen < count) && (idleS == null || System.currentTimeMillis() - lastCaption < idleS * 1000L)) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    out.println(codec.decode(r.value()).toString());
                    lastCaption = System.currentTimeMillis();
                    if (count != null && ++seen >= count) {
                        break;
                    }
                }
                out.flush();
            }
            out.flush();
        }
        return 0;
    }
}
