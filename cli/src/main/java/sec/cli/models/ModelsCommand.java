package sec.cli.models;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sec.cli.cluster.ClusterOptions;
import sec.connectors.AvroCodec;
import sec.connectors.KafkaSettings;
import sec.connectors.TopicAdmin;
import sec.inference.BundleCheck;
import sec.inference.model.BundleChecksums;
import sec.inference.model.ModelManifest;
import sec.schemas.ModelRollout;
import sec.schemas.ModelSide;

/** {@code sec models publish}: a model bundle onto the control topic, checked and with every file's checksum; {@code sec models status}. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Roll out model bundles.",
        subcommands = {ModelsCommand.Publish.class, ModelsStatus.class})
public final class ModelsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = "Check a bundle (it loads, as the jobs would load it) and publish it on the control topic"
                    + " (kafka.topic.models) with the SHA-256 of every file.")
    public static final class Publish implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClusterOptions cluster;

        @Parameters(index = "0", paramLabel = "DIR", description = "the bundle (model.json and the files it names)")
        Path dir;

        @Option(names = "--version", description = "the version captions will name (default: the manifest's name)")
        String version;

        @Option(names = "--side", defaultValue = "both", description = "edge | cloud | both (default: ${DEFAULT-VALUE})")
        String side;

        @Option(names = "--canary", defaultValue = "100", paramLabel = "PERCENT",
                description = "share of calls that start on it, 1-100 (default: ${DEFAULT-VALUE})")
        int canary;

        @Option(names = "--location", description = "where every TaskManager reads the bundle (default: DIR, absolute)")
        String location;

        @Override
        public Integer call() throws Exception {
            if (canary < 1 || canary > 100) {
                throw new IllegalArgumentException("--canary must be 1-100, got " + canary);
            }
            ModelSide which = ModelSide.valueOf(side.toUpperCase(Locale.ROOT));
            Path bundle = dir.toAbsolutePath().normalize();
            ModelManifest manifest = ModelManifest.load(bundle);
            if (which != ModelSide.CLOUD) {
                BundleCheck.edge(bundle);
            }
            if (which != ModelSide.EDGE) {
                BundleCheck.cloud(bundle);
            }
            Map<String, String> files = BundleChecksums.of(bundle);
            KafkaSettings kafka = cluster.kafka();
            TopicAdmin.checkAccess(kafka, 30_000);
            String topic = kafka.topics().models();
            if (!TopicAdmin.missing(kafka, List.of(topic)).isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist: create it with sec topics create");
            }
            ModelRollout rollout = ModelRollout.newBuilder().setVersion(version != null ? version : manifest.name())
                    .setSide(which).setLocation(location != null ? location : bundle.toString()).setFiles(files)
                    .setCanaryPercent(canary).setPublishedAtMs(System.currentTimeMillis()).build();
            var config = kafka.clientConfig();
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
                p.send(new ProducerRecord<>(topic, which.name().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        new AvroCodec<>(ModelRollout.class).encode(rollout))).get();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("published %s (%s, %d %% of calls, %d files) from %s to %s%n", rollout.getVersion(), which, canary,
                    files.size(), rollout.getLocation(), topic);
            return 0;
        }
    }
}
