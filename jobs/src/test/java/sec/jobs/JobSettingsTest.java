package sec.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sec.inference.decode.SpeculationConfig;

class JobSettingsTest {
    @Test
    void aFileThenOverridesMakeTheTypedSettings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sec.properties");
        Files.writeString(file, """
                # the jobs' settings
                kafka.bootstrap-servers: broker-1:9093,broker-2:9093
                kafka.topic.captions: acme.captions
                kafka.client.security.protocol: SASL_SSL
                kafka.client.sasl.jaas.config: "org.apache.kafka.common.security.plain.PlainLoginModule required username='u' password='p';"
                models.dir: /opt/sec/models/bundled
                drafter.verdict-deadline-ms: 8000
                speculation.acceptance: rank
                parallelism: 4
                """);
        JobSettings s = JobSettings.fromArgs("--config", file.toString(), "--drafter.verdict-deadline-ms", "9000",
                "--verifier.max-batch", "32", "--speculation.credit", "on");

        assertEquals("broker-1:9093,broker-2:9093", s.kafka().bootstrapServers());
        assertEquals("acme.captions", s.kafka().topics().captions());
        assertEquals("sec.audio.frames", s.kafka().topics().frames(), "an unset topic keeps its default");
        assertEquals("SASL_SSL", s.kafka().clientProperties().get("security.protocol"));
        assertTrue(s.kafka().clientProperties().get("sasl.jaas.config").endsWith("password='p';"), "quotes around a value are dropped");
        assertFalse(s.kafka().toString().contains("password='p'"), "printed without the secret");
        assertEquals(9000, s.drafter().verdictDeadlineMs(), "the command line wins over the file");
        assertEquals(32, s.verifier().maxBatch());
        assertEquals(SpeculationConfig.Acceptance.RANK, s.drafter().speculation().acceptance());
        assertTrue(s.drafter().speculation().creditInertia());
        assertEquals(s.drafter().speculation(), s.verifier().speculation(), "both jobs decode alike");
        assertEquals("/opt/sec/models/bundled", s.drafter().modelDir());
        assertEquals(4, s.parallelism());
        assertEquals("sec.audio.frames", s.segmenter().framesTopic(), "dead letters name the frames topic");
    }

    @Test
    void defaultsAreTheEmbeddedDemosAndOnlyTheBrokerAndModelsAreRequired() {
        JobSettings s = JobSettings.of(Map.of("kafka.bootstrap-servers", "b:9092", "models.dir", "m"));
        assertEquals(SpeculationConfig.defaults(), s.drafter().speculation());
        assertEquals(drafterDefaults().maxOpenUtterances(), s.drafter().maxOpenUtterances());
        assertEquals(sec.operators.SegmenterConfig.defaults().maxCallsPerSubtask(), s.segmenter().maxCallsPerSubtask());
        assertNull(s.drafter().speculation().credit());

        var missing = assertThrows(IllegalArgumentException.class, () -> JobSettings.of(Map.of("models.dir", "m")));
        assertEquals("setting 'kafka.bootstrap-servers' is required", missing.getMessage());
        var noModels = assertThrows(IllegalArgumentException.class, () -> JobSettings.of(Map.of("kafka.bootstrap-servers", "b")));
        assertEquals("setting 'models.dir' is required", noModels.getMessage());
    }

    @Test
    void theDefaultsAreTheTypedRecordsOwnAndKafkaSettingsComeBackFromTheirKeys() {
        JobSettings s = JobSettings.of(Map.of("kafka.bootstrap-servers", "b:9092", "models.dir", "m"));
        assertEquals(drafterDefaults(), s.drafter(), "drafter.* defaults are DrafterConfig's");
        assertEquals(sec.operators.SegmenterConfig.defaults(), s.segmenter(), "segmenter.* defaults are SegmenterConfig's");
        assertEquals(CloudVerifyJob.Config.DEFAULT_MAX_WAITING_REQUESTS, s.verifier().maxWaitingRequests());
        assertEquals(CloudVerifyJob.Config.DEFAULT_MAX_BATCH, s.verifier().maxBatch());

        sec.connectors.KafkaSettings kafka = new sec.connectors.KafkaSettings("k:1", Map.of("security.protocol", "SASL_SSL"),
                new sec.connectors.KafkaSettings.Topics("f", "c", "r", "v", "cap", "p", "d", "a", "m", "ms"), "g", "t");
        JobSettings back = JobSettings.of(JobSettings.keysOf(kafka), Map.of("models.dir", "m", "verifier.max-waiting-requests", "3"));
        assertEquals(kafka, back.kafka());
        assertEquals("f", back.segmenter().framesTopic());
        assertEquals(3, back.verifier().maxWaitingRequests());
        var zero = assertThrows(IllegalArgumentException.class, () -> JobSettings.of(JobSettings.keysOf(kafka),
                Map.of("models.dir", "m", "verifier.max-waiting-requests", "0")));
        assertTrue(zero.getMessage().contains("verifier.max-waiting-requests"), zero.getMessage());
    }

    private static sec.operators.DrafterConfig drafterDefaults() {
        return sec.operators.DrafterConfig.defaults("m", SpeculationConfig.defaults());
    }

    @Test
    void aMisspeltKeyOrABadValueIsAnErrorNamingIt() {
        Map<String, String> base = Map.of("kafka.bootstrap-servers", "b:9092", "models.dir", "m");
        var typo = assertThrows(IllegalArgumentException.class,
                () -> JobSettings.of(with(base, "drafter.verdict-deadline", "100")));
        assertTrue(typo.getMessage().startsWith("unknown setting(s) [drafter.verdict-deadline]"), typo.getMessage());
        var notANumber = assertThrows(IllegalArgumentException.class,
                () -> JobSettings.of(with(base, "verifier.max-batch", "lots")));
        assertEquals("setting 'verifier.max-batch' = 'lots' must be a whole number", notANumber.getMessage());
        var badChoice = assertThrows(IllegalArgumentException.class,
                () -> JobSettings.of(with(base, "speculation.gamma", "wild")));
        assertTrue(badChoice.getMessage().contains("'speculation.gamma' = 'wild' must be one of [fixed, dynamic, heuristic]"),
                badChoice.getMessage());
        var badBool = assertThrows(IllegalArgumentException.class,
                () -> JobSettings.of(with(base, "drafter.partial-captions", "yes")));
        assertEquals("setting 'drafter.partial-captions' = 'yes' must be true or false", badBool.getMessage());
    }

    @Test
    void threadBudgetsAreAutoOrACountAndAWaitPolicy() {
        Map<String, String> base = Map.of("kafka.bootstrap-servers", "b:9092", "models.dir", "m");
        JobSettings d = JobSettings.of(base);
        assertEquals(sec.inference.runtime.ThreadBudget.AUTO_THREADS, d.verifier().threads(), "verifier.threads defaults to auto");
        assertEquals(sec.inference.verifier.TorchThreads.WaitPolicy.PASSIVE, d.verifier().waitPolicy());
        assertEquals(1, d.drafter().threads());
        assertEquals(false, d.drafter().spinning());
        JobSettings set = JobSettings.of(with(with(with(base, "verifier.threads", "3"), "verifier.wait-policy", "active"),
                "drafter.threads", "auto"));
        assertEquals(3, set.verifier().threads());
        assertEquals(sec.inference.verifier.TorchThreads.WaitPolicy.ACTIVE, set.verifier().waitPolicy());
        assertEquals(sec.inference.runtime.ThreadBudget.AUTO_THREADS, set.drafter().threads());
        var zero = assertThrows(IllegalArgumentException.class, () -> JobSettings.of(with(base, "verifier.threads", "0")));
        assertEquals("verifier.threads must be 'auto' or a thread count >= 1, got '0'", zero.getMessage());
        var policy = assertThrows(IllegalArgumentException.class, () -> JobSettings.of(with(base, "verifier.wait-policy", "spin")));
        assertEquals("verifier.wait-policy must be passive or active, got 'spin'", policy.getMessage());
    }

    @Test
    void checkpointsAreExactlyOnceAndUnalignedUnlessSetOtherwise() {
        Map<String, String> base = Map.of("kafka.bootstrap-servers", "b:9092", "models.dir", "m");
        var env = JobSettings.of(base).environment();
        assertEquals(1000, env.getCheckpointConfig().getCheckpointInterval());
        assertEquals(org.apache.flink.core.execution.CheckpointingMode.EXACTLY_ONCE, env.getCheckpointConfig().getCheckpointingConsistencyMode());
        assertTrue(env.getCheckpointConfig().isUnalignedCheckpointsEnabled());
        assertEquals(false, JobSettings.of(with(base, "checkpoint.unaligned", "false")).environment().getCheckpointConfig()
                .isUnalignedCheckpointsEnabled());
    }

    @Test
    void settingsTravelAsProgramArgumentsUnchanged() {
        Map<String, String> given = Map.of("kafka.bootstrap-servers", "b:9092", "models.dir", "m", "kafka.client.acks", "all",
                "segmenter.max-calls-per-subtask", "50");
        List<String> args = JobSettings.asArgs(given);
        assertEquals(given, JobSettings.merged(args.toArray(String[]::new)));
        assertEquals(50, JobSettings.fromArgs(args.toArray(String[]::new)).segmenter().maxCallsPerSubtask());
    }

    @Test
    void theOperationsGuideDocumentsEverySetting() throws Exception {
        Path guide = Path.of(System.getProperty("sec.models.dir")).getParent().resolve("docs/OPERATIONS.md");
        String text = Files.readString(guide);
        for (String key : JobSettings.KEYS.keySet()) {
            assertTrue(text.contains("`" + key + "`"), guide + " documents " + key);
        }
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        var m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }
}
