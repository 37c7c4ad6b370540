package sec.cli.models;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import sec.connectors.AvroCodec;
import sec.connectors.KafkaSettings;
import sec.connectors.TopicAdmin;
import sec.inference.BundleCheck;
import sec.inference.model.BundleChecksums;
import sec.inference.model.ModelManifest;
import sec.schemas.ModelRollout;
import sec.schemas.ModelSide;

/**
 * Puts a bundle on the control topic the way every publisher must: loaded first as the side's jobs
 * would load it (a bundle that does not load is never published), every file's SHA-256, one record
 * keyed by the side. Used by {@code sec models publish} and {@code sec demo --rollout-at}.
 */
public final class RolloutPublisher {
    private RolloutPublisher() {}

    /** Publishes {@code dir} (version null: the manifest's name; location null: {@code dir}) and returns the record. */
    public static ModelRollout publish(KafkaSettings kafka, Path dir, String version, ModelSide side, int canary,
            String location) throws Exception {
        return publish(kafka, dir, side, canary, location, (manifest, files) -> version != null ? version : manifest.name());
    }

    /**
     * Publishes {@code dir} to all calls under a version named by its contents: the manifest's name
     * and the first 8 hex digits of the SHA-256 of its file listing, so a copy with one file changed
     * is a version of its own ({@code sec demo --rollout-at}).
     */
    public static ModelRollout publishByContent(KafkaSettings kafka, Path dir, ModelSide side) throws Exception {
        return publish(kafka, dir, side, 100, null,
                (manifest, files) -> manifest.name() + "-" + BundleChecksums.digest(files).substring(0, 8));
    }

    private static ModelRollout publish(KafkaSettings kafka, Path dir, ModelSide side, int canary, String location,
            BiFunction<ModelManifest, Map<String, String>, String> version) throws Exception {
        if (canary < 1 || canary > 100) {
            throw new IllegalArgumentException("--canary must be 1-100, got " + canary);
        }
        Path bundle = dir.toAbsolutePath().normalize();
        ModelManifest manifest = ModelManifest.load(bundle);
        if (side != ModelSide.CLOUD) {
            BundleCheck.edge(bundle);
        }
        if (side != ModelSide.EDGE) {
            BundleCheck.cloud(bundle);
        }
        Map<String, String> files = BundleChecksums.of(bundle);
        TopicAdmin.checkAccess(kafka, 30_000);
        String topic = kafka.topics().models();
        if (!TopicAdmin.missing(kafka, List.of(topic)).isEmpty()) {
            throw new IllegalArgumentException("topic " + topic + " does not exist: create it with sec topics create");
        }
        ModelRollout rollout = ModelRollout.newBuilder().setVersion(version.apply(manifest, files))
                .setSide(side).setLocation(location != null ? location : bundle.toString()).setFiles(files)
                .setCanaryPercent(canary).setPublishedAtMs(System.currentTimeMillis()).build();
        var config = kafka.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, side.name().getBytes(StandardCharsets.UTF_8),
                    new AvroCodec<>(ModelRollout.class).encode(rollout))).get();
        }
        return rollout;
    }
}
