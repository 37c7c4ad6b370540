package sec.cli.models;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sec.cli.cluster.ClusterOptions;
import sec.connectors.AvroCodec;
import sec.connectors.KafkaSettings;
import sec.connectors.TopicAdmin;
import sec.schemas.ModelRollout;
import sec.schemas.RolloutDecision;
import sec.schemas.RolloutStatus;

/**
 * {@code sec models status}: what was published on the control topic and what every job subtask
 * decided about it, oldest first, then the version each subtask is on. Reads both topics from their
 * beginning to their end without a consumer group, so running it changes nothing.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print the roll-outs published (kafka.topic.models) and the jobs' decisions (kafka.topic.model-status).")
public final class ModelsStatus implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--wait-ms", defaultValue = "30000", description = "give up reading a topic to its end after this long"
            + " (default: ${DEFAULT-VALUE})")
    long waitMs;

    @Override
    public Integer call() {
        KafkaSettings kafka = cluster.kafka();
        TopicAdmin.checkAccess(kafka, 30_000);
        PrintWriter out = spec.commandLine().getOut();
        for (ModelRollout r : read(kafka, kafka.topics().models(), ModelRollout.class)) {
            out.printf("%s  published  %-16s %-5s %3d %% of calls, %d files at %s%n", Instant.ofEpochMilli(r.getPublishedAtMs()),
                    r.getVersion(), r.getSide(), r.getCanaryPercent(), r.getFiles().size(), r.getLocation());
        }
        Map<String, String> on = new TreeMap<>();
        List<RolloutStatus> decisions = new ArrayList<>(read(kafka, kafka.topics().modelStatus(), RolloutStatus.class));
        decisions.sort(java.util.Comparator.comparingLong(RolloutStatus::getAtMs)); // keyed by version: partitions interleave
        for (RolloutStatus s : decisions) {
            String who = s.getJob() + "/" + s.getSubtask();
            out.printf("%s  %-9s  %-16s %s%s%n", Instant.ofEpochMilli(s.getAtMs()), who, s.getVersion(), s.getDecision(),
                    s.getReason() == null ? "" : ": " + s.getReason());
            if (s.getDecision() == RolloutDecision.PROMOTED || s.getDecision() == RolloutDecision.ROLLED_BACK) {
                on.put(who, s.getVersion());
            }
        }
        on.forEach((who, version) -> out.printf("%s is on %s%n", who, version));
        if (on.isEmpty()) {
            out.println("no subtask has moved off the version it was started with");
        }
        return 0;
    }

    /** Every record on the topic, up to its end when read (no consumer group: nothing is committed). */
    private <T extends SpecificRecord> List<T> read(KafkaSettings kafka, String topic, Class<T> type) {
        AvroCodec<T> codec = new AvroCodec<>(type);
        List<T> got = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(kafka.clientConfig(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            long until = System.nanoTime() + Duration.ofMillis(waitMs).toNanos();
            while (partitions.stream().anyMatch(p -> c.position(p) < end.get(p)) && System.nanoTime() < until) {
                c.poll(Duration.ofMillis(200)).forEach(rec -> got.add(codec.decode(rec.value())));
            }
        }
        return got;
    }
}
