package sec.connectors;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.AuthenticationException;

/** Creates the pipeline's topics (those missing), with the given partitions and replication. */
public final class TopicAdmin {
    private TopicAdmin() {}

    public static List<String> createMissing(KafkaSettings settings, int partitions, short replication)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(settings.clientConfig())) {
            List<String> missing = missing(admin, settings, settings.topics().all());
            admin.createTopics(missing.stream().map(t -> new NewTopic(t, settings.topics().partitions(t, partitions), replication))
                    .toList()).all().get();
            // created is not yet listed everywhere: a command run right after must find them
            long deadline = System.currentTimeMillis() + 30_000;
            while (!missing(admin, settings, missing).isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            return missing;
        }
    }

    /** Which of {@code topics} the cluster does not have (a producer would wait on them, not fail). */
    public static List<String> missing(KafkaSettings settings, List<String> topics) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(settings.clientConfig())) {
            return missing(admin, settings, topics);
        }
    }

    private static List<String> missing(Admin admin, KafkaSettings settings, List<String> topics)
            throws ExecutionException, InterruptedException {
        Set<String> existing;
        try {
            existing = admin.listTopics().names().get();
        } catch (ExecutionException e) {
            throw refused(settings, e);
        }
        return topics.stream().filter(t -> !existing.contains(t)).toList();
    }

    /**
     * Asks the cluster who is in it, as a job's clients will: a refused login or TLS handshake, or
     * no answer within {@code timeoutMs}, stops a submission with one clear error before any job runs.
     */
    public static void checkAccess(KafkaSettings settings, long timeoutMs) {
        java.util.Properties p = settings.clientConfig();
        p.put("default.api.timeout.ms", String.valueOf(timeoutMs));
        p.put("request.timeout.ms", String.valueOf(timeoutMs));
        try (Admin admin = Admin.create(p)) {
            try {
                admin.describeCluster().nodes().get(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw refused(settings, e);
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new KafkaAccessException("Kafka at " + settings.bootstrapServers() + " did not answer within "
                    + timeoutMs + " ms: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaAccessException("interrupted while reaching Kafka at " + settings.bootstrapServers(), e);
        }
    }

    /**
     * The broker refused the client's credentials or its TLS handshake: that does not heal by
     * retrying, so it is one clear error naming the broker and the cause (never the secret).
     */
    private static RuntimeException refused(KafkaSettings settings, ExecutionException e) throws ExecutionException {
        if (e.getCause() instanceof AuthenticationException a) {
            return new KafkaAccessException("Kafka at " + settings.bootstrapServers() + " refused the client ("
                    + settings.clientProperties().getOrDefault("security.protocol", "PLAINTEXT") + "): " + a.getMessage(), a);
        }
        throw e;
    }
}
