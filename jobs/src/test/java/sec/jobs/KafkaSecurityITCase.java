package sec.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sec.devkit.EmbeddedKafka;
import sec.connectors.KafkaAccessException;
import sec.connectors.KafkaSettings;
import sec.connectors.TopicAdmin;
import sec.inference.decode.SpeculationConfig;
import sec.schemas.AudioFrame;
import sec.schemas.EmotionCaption;

/**
 * The embedded broker with a SASL_PLAINTEXT listener: with the right login, the client settings
 * reach every client (topic admin, both jobs' sources and sinks, the transactional caption sink) and
 * captions come; with a wrong one, the submission stops at once with one clear error before any job
 * is built; neither password ever reaches the log.
 */
class KafkaSecurityITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final String WRONG_PASSWORD = "not-the-password-4711";
    private static final SpeculationConfig SPEC = SpeculationConfig.defaults();
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.startSaslPlain();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static Map<String, String> login(String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + EmbeddedKafka.SASL_ADMIN + "\" password=\"" + password + "\";");
    }

    @Test
    void theRightLoginReachesEveryClientAndNoPasswordIsLogged() throws Exception {
        KafkaSettings settings = PipelineFixture.freshTopics(kafka, login(EmbeddedKafka.SASL_ADMIN_PASSWORD));
        assertFalse(settings.toString().contains(EmbeddedKafka.SASL_ADMIN_PASSWORD), settings.toString());
        Map<String, List<AudioFrame>> calls = PipelineFixture.calls("call-05-zh.wav");
        Map<String, long[]> expected = PipelineFixture.coreCaptions(calls, SPEC);

        StreamExecutionEnvironment cloudEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        cloudEnv.setParallelism(1);
        CloudVerifyJob.kafka(cloudEnv, PipelineFixture.jobs(settings), null);
        JobClient cloud = cloudEnv.executeAsync("cloud-verify-sasl");
        StreamExecutionEnvironment edgeEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        edgeEnv.setParallelism(1);
        edgeEnv.enableCheckpointing(500);
        EdgeCaptionJob.kafka(edgeEnv, PipelineFixture.jobs(settings));
        JobClient edge = edgeEnv.executeAsync("edge-caption-sasl");
        try {
            PipelineFixture.produce(settings, calls, f -> true);
            Map<String, List<EmotionCaption>> got = PipelineFixture.committedCaptions(settings, expected.size(), Duration.ofMinutes(4));
            assertTrue(PipelineFixture.assertOneCaptionEachEqualToTheCore(expected, got) > 0, "verdicts came back over SASL");
        } finally {
            edge.cancel().get();
            cloud.cancel().get();
        }
        String log = Files.readString(Path.of("target/test-logs/clients.log"));
        assertTrue(log.contains("sasl.jaas.config = [hidden]"), "the clients' settings were logged, masked");
        assertFalse(log.contains(EmbeddedKafka.SASL_ADMIN_PASSWORD), "the password is not in the log");
    }

    @Test
    void aWrongLoginStopsTheSubmissionAtOnceWithOneClearError() throws Exception {
        KafkaSettings wrong = new KafkaSettings(kafka.bootstrapServers(), login(WRONG_PASSWORD),
                KafkaSettings.Topics.defaults(), "wrong", "wrong");
        long t0 = System.nanoTime();
        KafkaAccessException e = assertThrows(KafkaAccessException.class, () -> TopicAdmin.createMissing(wrong, 1, (short) 1));
        KafkaAccessException submit = assertThrows(KafkaAccessException.class, () -> EdgeCaptionJob.preflight(
                PipelineFixture.jobs(wrong)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (KafkaAccessException x : List.of(e, submit)) {
            assertTrue(x.getMessage().contains(kafka.bootstrapServers()) && x.getMessage().contains("SASL_PLAINTEXT")
                    && x.getMessage().toLowerCase().contains("authentication"), x.getMessage());
            assertEquals(1, x.getMessage().lines().count(), x.getMessage());
            assertFalse(x.getMessage().contains(WRONG_PASSWORD));
        }
        assertTrue(seconds < 20, "refused at once, not retried until a timeout: " + seconds + " s");
        assertFalse(Files.readString(Path.of("target/test-logs/clients.log")).contains(WRONG_PASSWORD));
    }
}
