package sec.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import sec.connectors.AvroCodec;
import sec.devkit.EmbeddedKafka;
import sec.connectors.KafkaSettings;
import sec.connectors.TopicAdmin;
import sec.inference.decode.SpeculationConfig;
import sec.operators.SegmenterConfig;
import sec.schemas.AudioFrame;
import sec.schemas.EmotionCaption;
import sec.devkit.CallFrames;
import sec.devkit.ReferenceCaptions;

/**
 * What the pipeline tests share: fresh topics per run, the bundled calls as frames, what the
 * inference core captions for them, and a read_committed caption reader that reads past the
 * expected count so a duplicate would be seen.
 */
final class PipelineFixture {
    static final Path MODELS = Path.of(System.getProperty("sec.models.dir"));
    static final String BUNDLE = MODELS.resolve("bundled").toString();

    private PipelineFixture() {}

    /**
     * Both jobs' settings for a run on these topics, built as a cluster builds them ({@link JobSettings#of}):
     * the bundled models, a 60 s verdict deadline (a busy CI machine must not time blocks out, or the
     * captions would differ from the core's), verifier batches of 8, then {@code overrides} (key, value, ...).
     */
    static JobSettings jobs(KafkaSettings kafka, String... overrides) {
        Map<String, String> keys = new LinkedHashMap<>(JobSettings.keysOf(kafka));
        keys.put("models.dir", BUNDLE);
        keys.put("drafter.verdict-deadline-ms", "60000");
        keys.put("verifier.max-batch", "8");
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            keys.put(overrides[i], overrides[i + 1]);
        }
        return JobSettings.of(keys);
    }

    /** Settings whose topics (2 partitions each) and group ids belong to this run only. */
    static KafkaSettings freshTopics(EmbeddedKafka kafka) throws Exception {
        return freshTopics(kafka, Map.of());
    }

    /** As {@link #freshTopics(EmbeddedKafka)}, with client properties (security) for every client. */
    static KafkaSettings freshTopics(EmbeddedKafka kafka, Map<String, String> client) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), client,
                KafkaSettings.Topics.defaults().withSuffix(run), "it-" + run, "it-" + run);
        TopicAdmin.createMissing(settings, 2, (short) 1);
        return settings;
    }

    /** Bundled calls by file name, as frames keyed by call id (the file name without .wav). */
    static Map<String, List<AudioFrame>> calls(String... files) throws Exception {
        Map<String, List<AudioFrame>> calls = new LinkedHashMap<>();
        for (String file : files) {
            String callId = file.replace(".wav", "");
            calls.put(callId, CallFrames.of(callId, MODELS.resolve("calls").resolve(file), file.contains("-zh") ? "zh" : "en"));
        }
        return calls;
    }

    /** What the inference core captions for every utterance of these frames: utterance id → tokens. */
    static Map<String, long[]> coreCaptions(Map<String, List<AudioFrame>> calls, SpeculationConfig spec) throws Exception {
        return coreCaptions(calls, spec, Path.of(BUNDLE));
    }

    static Map<String, long[]> coreCaptions(Map<String, List<AudioFrame>> calls, SpeculationConfig spec, Path bundle)
            throws Exception {
        return ReferenceCaptions.of(calls, bundle, spec, SegmenterConfig.defaults().reorderWindowFrames());
    }

    /** Sends the frames that pass {@code which}, keyed by call id. */
    static int produce(KafkaSettings settings, Map<String, List<AudioFrame>> calls, Predicate<AudioFrame> which) {
        AvroCodec<AudioFrame> codec = new AvroCodec<>(AudioFrame.class);
        int sent = 0;
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(settings.clientConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (List<AudioFrame> frames : calls.values()) {
                for (AudioFrame f : frames) {
                    if (which.test(f)) {
                        p.send(new ProducerRecord<>(settings.topics().frames(), f.getCallId().getBytes(), codec.encode(f)));
                        sent++;
                    }
                }
            }
        }
        return sent;
    }

    /** A copy of the bundled models under {@code to}: another bundle with the same weights. */
    static Path copyBundle(Path to) throws Exception {
        return sec.devkit.BundleCopy.of(Path.of(BUNDLE), to);
    }

    /**
     * The bundled pair with the second drafter of {@code models/alternate} (trained on from the
     * bundled one, see its README): a bundle whose edge writes other captions, to roll out.
     */
    static Path alternateBundle(Path to) throws Exception {
        copyBundle(to);
        return sec.devkit.BundleCopy.of(MODELS.resolve("alternate/drafter"), to.resolve("drafter")).getParent();
    }

    /** A cloud roll-out of the bundle at {@code location}, every file with its checksum, to all calls. */
    static sec.schemas.ModelRollout cloudRollout(String version, Path location, Map<String, String> files) {
        return sec.schemas.ModelRollout.newBuilder().setVersion(version).setSide(sec.schemas.ModelSide.CLOUD)
                .setLocation(location.toString()).setFiles(files).setCanaryPercent(100)
                .setPublishedAtMs(System.currentTimeMillis()).build();
    }

    /** Publishes a roll-out on the control topic, as {@code sec models publish} does. */
    static void publish(KafkaSettings s, sec.schemas.ModelRollout r) throws Exception {
        try (var p = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(s.clientConfig(),
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(s.topics().models(),
                    r.getSide().name().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    new sec.connectors.AvroCodec<>(sec.schemas.ModelRollout.class).encode(r))).get();
        }
    }

    /** Everything on a topic (at least {@code atLeast} records, waiting up to 30 s for them). */
    static List<byte[]> read(KafkaSettings s, String topic, int atLeast) {
        Properties c = s.clientConfig();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-dump-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<byte[]> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            int empty = 0;
            while (System.currentTimeMillis() < deadline && (out.size() < atLeast || empty < 4)) {
                var records = consumer.poll(Duration.ofMillis(500));
                empty = records.isEmpty() ? empty + 1 : 0;
                records.forEach(r -> out.add(r.value()));
            }
        }
        return out;
    }

    /**
     * Final captions as a read_committed consumer sees them, by utterance id: reads until
     * {@code expected} captions came, then 3 s more so a duplicate would show, or until the limit.
     */
    static Map<String, List<EmotionCaption>> committedCaptions(KafkaSettings s, int expected, Duration limit) {
        Properties c = s.clientConfig();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroCodec<EmotionCaption> codec = new AvroCodec<>(EmotionCaption.class);
        Map<String, List<EmotionCaption>> got = new HashMap<>();
        int count = 0;
        long deadline = System.currentTimeMillis() + limit.toMillis();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(s.topics().captions()));
            long quietUntil = Long.MAX_VALUE;
            while (System.currentTimeMillis() < Math.min(deadline, quietUntil)) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    EmotionCaption cap = codec.decode(r.value());
                    got.computeIfAbsent(cap.getUtteranceId(), k -> new ArrayList<>()).add(cap);
                    count++;
                }
                if (count >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.currentTimeMillis() + 3_000;
                }
            }
        }
        return got;
    }

    /** Exactly one final caption per utterance, each equal token for token to the core's; returns tokens sent. */
    static int assertOneCaptionEachEqualToTheCore(Map<String, long[]> expected, Map<String, List<EmotionCaption>> got) {
        assertEquals(expected.keySet(), got.keySet(), "one caption per utterance");
        int sent = 0;
        for (var e : expected.entrySet()) {
            List<EmotionCaption> captions = got.get(e.getKey());
            assertEquals(1, captions.size(), e.getKey() + " captioned once");
            EmotionCaption c = captions.get(0);
            assertTrue(c.getFinal$());
            assertEquals(0, c.getTimeouts(), e.getKey() + " had a verdict for every block");
            assertArrayEquals(e.getValue(), c.getTokenIds().stream().mapToLong(Integer::longValue).toArray(),
                    e.getKey() + ": " + c.getText());
            sent += c.getSent();
        }
        return sent;
    }

    /** A MiniCluster of its own (1 TaskManager, 2 slots, a free REST port: several run at once, as the two jobs' clusters do). */
    static org.apache.flink.runtime.minicluster.MiniCluster miniCluster() throws Exception {
        return miniCluster(2);
    }

    static org.apache.flink.runtime.minicluster.MiniCluster miniCluster(int slots) throws Exception {
        org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
        conf.set(org.apache.flink.configuration.RestOptions.BIND_PORT, "0");
        var c = new org.apache.flink.runtime.minicluster.MiniCluster(new org.apache.flink.runtime.minicluster.MiniClusterConfiguration.Builder()
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(slots).setConfiguration(conf).build());
        c.start();
        return c;
    }

    /**
     * Stops {@code job} with a canonical savepoint under {@code dir} once every task runs: a task still
     * opening (loading and warming its models) cannot take part in a checkpoint, and Flink aborts the
     * savepoint ("Not all required tasks are currently running"), as it would for a user's {@code flink stop}.
     */
    static String stopWithSavepoint(org.apache.flink.runtime.minicluster.MiniCluster cluster,
            org.apache.flink.api.common.JobID job, Path dir) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!allTasksRunning(cluster, job)) {
            assertTrue(System.currentTimeMillis() < deadline, "not every task of " + job + " ran within 120 s");
            Thread.sleep(100);
        }
        return cluster.stopWithSavepoint(job, dir.toUri().toString(), false,
                org.apache.flink.core.execution.SavepointFormatType.CANONICAL).get();
    }

    private static boolean allTasksRunning(org.apache.flink.runtime.minicluster.MiniCluster cluster,
            org.apache.flink.api.common.JobID job) throws Exception {
        for (var v : cluster.getExecutionGraph(job).get().getAllExecutionVertices()) {
            if (v.getExecutionState() != org.apache.flink.runtime.execution.ExecutionState.RUNNING) {
                return false;
            }
        }
        return true;
    }

    static void waitFor(org.apache.flink.runtime.minicluster.MiniCluster cluster, org.apache.flink.api.common.JobID job,
            org.apache.flink.api.common.JobStatus status) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (cluster.getJobStatus(job).get() != status) {
            assertTrue(System.currentTimeMillis() < deadline, "job did not reach " + status);
            Thread.sleep(100);
        }
    }
}
