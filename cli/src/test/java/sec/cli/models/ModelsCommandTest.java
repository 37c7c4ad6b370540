package sec.cli.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sec.cli.SecCli;
import sec.connectors.AvroCodec;
import sec.connectors.KafkaSettings;
import sec.connectors.TopicAdmin;
import sec.devkit.EmbeddedKafka;
import sec.inference.model.BundleChecksums;
import sec.schemas.ModelRollout;
import sec.schemas.ModelSide;
import sec.schemas.RolloutDecision;
import sec.schemas.RolloutStatus;

/** sec models publish against a real (embedded) broker: what reaches the control topic, and what never does. */
class ModelsCommandTest {
    private static final Path BUNDLE = Path.of(System.getProperty("sec.models.dir"), "bundled");
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = SecCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new String[] {String.valueOf(rc), out.toString(), err.toString()};
    }

    @Test
    void aCheckedBundleReachesTheControlTopicWithEveryFilesChecksum(@TempDir Path tmp) throws Exception {
        KafkaSettings settings = topics();
        String[] r = run("models", "publish", BUNDLE.toString(), "--version", "v2-test", "--side", "cloud", "--canary", "50",
                "--bootstrap", kafka.bootstrapServers(), "--set", "kafka.topic.models=" + settings.topics().models());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("published v2-test (CLOUD, 50 % of calls"), r[1]);
        List<ModelRollout> on = read(settings);
        assertEquals(1, on.size());
        ModelRollout m = on.get(0);
        assertEquals("v2-test", m.getVersion());
        assertEquals(ModelSide.CLOUD, m.getSide());
        assertEquals(50, m.getCanaryPercent());
        assertEquals(BUNDLE.toAbsolutePath().normalize().toString(), m.getLocation());
        assertEquals(BundleChecksums.of(BUNDLE), new java.util.TreeMap<>(m.getFiles()));
        assertEquals(List.of(), BundleChecksums.problems(Path.of(m.getLocation()), m.getFiles()), "the bundle as published");
        try (Admin admin = Admin.create(settings.clientConfig())) {
            assertEquals(1, admin.describeTopics(List.of(settings.topics().models())).allTopicNames().get()
                    .get(settings.topics().models()).partitions().size(), "one partition: roll-outs in one order");
        }
    }

    @Test
    void aBundleThatDoesNotLoadIsNeverPublished(@TempDir Path tmp) throws Exception {
        KafkaSettings settings = topics();
        Path broken = tmp.resolve("broken");
        try (Stream<Path> files = Files.walk(BUNDLE)) {
            for (Path f : files.toList()) {
                Path to = broken.resolve(BUNDLE.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else if (!f.getFileName().toString().endsWith(".pt")) {
                    Files.copy(f, to); // the verifier's TorchScript file left out
                }
            }
        }
        String[] r = run("models", "publish", broken.toString(), "--side", "both", "--bootstrap", kafka.bootstrapServers(),
                "--set", "kafka.topic.models=" + settings.topics().models());
        assertTrue(!r[0].equals("0") && r[2].contains(".pt"), "the missing file named: " + r[2]);
        String[] edgeOnly = run("models", "publish", broken.toString(), "--side", "edge", "--canary", "0",
                "--bootstrap", kafka.bootstrapServers(), "--set", "kafka.topic.models=" + settings.topics().models());
        assertTrue(!edgeOnly[0].equals("0") && edgeOnly[2].contains("--canary"), edgeOnly[2]);
        assertEquals(List.of(), read(settings), "nothing on the control topic");
    }

    @Test
    void statusShowsWhatWasPublishedAndWhatEachSubtaskDecided() throws Exception {
        KafkaSettings settings = topics();
        String[] topicsOf = {"--bootstrap", kafka.bootstrapServers(), "--set", "kafka.topic.models=" + settings.topics().models(),
                "--set", "kafka.topic.model-status=" + settings.topics().modelStatus()};
        assertEquals("0", run(concat(new String[] {"models", "publish", BUNDLE.toString(), "--version", "v2", "--side", "cloud"},
                topicsOf))[0]);
        AvroCodec<RolloutStatus> codec = new AvroCodec<>(RolloutStatus.class);
        try (var p = new KafkaProducer<>(settings.clientConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (RolloutStatus st : List.of(status("v3", RolloutDecision.REJECTED, "verifier/x.pt: missing", 0),
                    status("v2", RolloutDecision.LOADED, null, 0), status("v2", RolloutDecision.PROMOTED, null, 0))) {
                p.send(new ProducerRecord<>(settings.topics().modelStatus(), codec.encode(st))).get();
            }
        }
        String[] r = run(concat(new String[] {"models", "status", "--wait-ms", "2000"}, topicsOf));
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("published  v2") && r[1].contains("CLOUD 100 % of calls"), r[1]);
        assertTrue(r[1].contains("cloud/0    v3               REJECTED: verifier/x.pt: missing"), r[1]);
        assertTrue(r[1].endsWith("cloud/0 is on v2\n"), r[1]);
    }

    private static RolloutStatus status(String version, RolloutDecision d, String reason, int subtask) {
        return RolloutStatus.newBuilder().setVersion(version).setSide(ModelSide.CLOUD).setDecision(d).setReason(reason)
                .setJob("cloud").setSubtask(subtask).setAtMs(System.currentTimeMillis()).build();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static KafkaSettings topics() throws Exception {
        KafkaSettings s = new KafkaSettings(kafka.bootstrapServers(), Map.of(),
                KafkaSettings.Topics.defaults().withSuffix("." + UUID.randomUUID()), "m", "m");
        TopicAdmin.createMissing(s, 2, (short) 1);
        return s;
    }

    private static List<ModelRollout> read(KafkaSettings s) {
        var config = s.clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "t-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ModelRollout> out = new ArrayList<>();
        AvroCodec<ModelRollout> codec = new AvroCodec<>(ModelRollout.class);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(s.topics().models()));
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < until) {
                for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200))) {
                    out.add(codec.decode(rec.value()));
                }
            }
        }
        return out;
    }
}
