package sec.devkit;

import java.util.Map;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker in this JVM (Kafka's own test kit), for the demo and the tests.
 * Listens on 127.0.0.1 only; its data is deleted on close. Production points at a real cluster.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
        // The test kit reports localhost:port; clients should not depend on name resolution.
        this.bootstrapServers = cluster.bootstrapServers().replace("localhost", "127.0.0.1");
    }

    /** Starts a combined broker + controller and waits until it serves requests (~3 s). */
    public static EmbeddedKafka start() {
        return start(Map.of());
    }

    /** Starts with extra broker settings (for example other listeners or security). */
    public static EmbeddedKafka start(Map<String, Object> brokerConfig) {
        return start(brokerConfig, SecurityProtocol.PLAINTEXT);
    }

    /**
     * A broker whose client listener wants SASL/PLAIN; the test kit's users are
     * {@link #SASL_ADMIN} (a super user) and plain-user1, with their passwords in its JAAS file.
     */
    public static EmbeddedKafka startSaslPlain() {
        // authentication only: the kit would also switch on an ACL authorizer that refuses its own controller
        return start(Map.of("authorizer.class.name", ""), SecurityProtocol.SASL_PLAINTEXT);
    }

    /** The test kit's SASL/PLAIN super user and password (only for the embedded broker). */
    public static final String SASL_ADMIN = "plain-admin";
    public static final String SASL_ADMIN_PASSWORD = "plain-admin-secret";

    private static EmbeddedKafka start(Map<String, Object> brokerConfig, SecurityProtocol protocol) {
        long t0 = System.nanoTime();
        KafkaClusterTestKit cluster = null;
        try {
            KafkaClusterTestKit.Builder b = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                    .setBrokerSecurityProtocol(protocol).build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "4")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "4")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setConfigProp("listeners", "EXTERNAL://127.0.0.1:0,CONTROLLER://127.0.0.1:0");
            brokerConfig.forEach(b::setConfigProp);
            cluster = b.build();
            format(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            EmbeddedKafka kafka = new EmbeddedKafka(cluster);
            LOG.info("embedded Kafka at {} ready in {} ms", kafka.bootstrapServers(), (System.nanoTime() - t0) / 1_000_000);
            return kafka;
        } catch (Exception e) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("embedded Kafka broker did not start: " + e.getMessage(), e);
        }
    }

    /** The test kit's formatter prints to System.out; a CLI's stdout is for its results, so it goes to the log. */
    private static void format(KafkaClusterTestKit cluster) throws Exception {
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        synchronized (EmbeddedKafka.class) {
            System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            try {
                cluster.format();
            } finally {
                System.setOut(stdout);
            }
        }
        LOG.info("formatted: {}", printed.toString(java.nio.charset.StandardCharsets.UTF_8).trim());
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("embedded Kafka broker did not stop cleanly: " + e.getMessage(), e);
        }
    }
}
