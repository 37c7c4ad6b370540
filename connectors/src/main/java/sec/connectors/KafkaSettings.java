package sec.connectors;

import java.io.Serializable;
import java.util.Map;
import java.util.Properties;

/**
 * Where the pipeline's Kafka is and what it is called: bootstrap servers, client properties that
 * pass through to every client (security.protocol, sasl.*, ssl.*, ...), the topic names and the
 * prefixes of group and transactional ids. Built from configuration, never from literals in code.
 */
public record KafkaSettings(
        String bootstrapServers,
        Map<String, String> clientProperties,
        Topics topics,
        String groupIdPrefix,
        String transactionalIdPrefix) implements Serializable {

    /** Topic names; the defaults are the ones docs/ARCHITECTURE.md lists. */
    /**
     * The pipeline's topics. {@code models} is the control topic of model roll-outs (one partition, so
     * roll-outs have one order) and {@code modelStatus} where the jobs say what they did with each.
     */
    public record Topics(String frames, String contexts, String requests, String verdicts, String captions,
            String partials, String deadLetters, String alerts, String models, String modelStatus) implements Serializable {
        public static Topics defaults() {
            return new Topics("sec.audio.frames", "sec.verify.contexts", "sec.verify.requests", "sec.verify.verdicts",
                    "sec.captions", "sec.captions.partial", "sec.deadletter", "sec.alerts", "sec.models", "sec.models.status");
        }

        /** The same names, each with {@code suffix} (a test run's own topics). */
        public Topics withSuffix(String suffix) {
            return new Topics(frames + suffix, contexts + suffix, requests + suffix, verdicts + suffix, captions + suffix,
                    partials + suffix, deadLetters + suffix, alerts + suffix, models + suffix, modelStatus + suffix);
        }

        /** Partitions to create {@code topic} with: the control topic one (roll-outs in one order), every other {@code keyed}. */
        public int partitions(String topic, int keyed) {
            return topic.equals(models) ? 1 : keyed;
        }

        public java.util.List<String> all() {
            return java.util.List.of(frames, contexts, requests, verdicts, captions, partials, deadLetters, alerts, models,
                    modelStatus);
        }
    }

    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("kafka.bootstrap-servers is not set");
        }
        clientProperties = Map.copyOf(clientProperties);
    }

    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Map.of(), Topics.defaults(), "sec", "sec");
    }

    /** Printed without secrets: values of password, JAAS, secret and key settings are masked. */
    @Override
    public String toString() {
        Map<String, String> shown = new java.util.TreeMap<>();
        clientProperties.forEach((k, v) -> shown.put(k, secret(k) ? "[hidden]" : v));
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", clientProperties=" + shown + ", topics=" + topics
                + ", groupIdPrefix=" + groupIdPrefix + ", transactionalIdPrefix=" + transactionalIdPrefix + "]";
    }

    static boolean secret(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.endsWith(".key")
                || k.contains("credentials") || k.contains("token");
    }

    /** bootstrap.servers plus the pass-through properties, for any Kafka client. */
    public Properties clientConfig() {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }
}
