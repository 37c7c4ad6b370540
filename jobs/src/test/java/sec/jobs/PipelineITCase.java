package sec.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sec.connectors.AvroCodec;
import sec.connectors.EmbeddedKafka;
import sec.connectors.KafkaSettings;
import sec.connectors.TopicAdmin;
import sec.inference.FeatureExtractor;
import sec.inference.audio.ChannelSegmenter;
import sec.inference.decode.InProcessLink;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.Speculator;
import sec.inference.drafter.Drafter;
import sec.inference.model.ModelManifest;
import sec.inference.text.CaptionTokenizer;
import sec.inference.verifier.Verifier;
import sec.operators.DrafterConfig;
import sec.operators.SegmenterConfig;
import sec.schemas.AudioFrame;
import sec.schemas.Channel;
import sec.schemas.EmotionCaption;

/**
 * Both jobs on one MiniCluster over the embedded broker: demo calls in as frames, captions out,
 * the verify loop through Kafka. Every utterance gets exactly one final caption (read_committed),
 * equal token for token to what the inference core makes of the same audio.
 */
class PipelineITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final Path MODELS = Path.of(System.getProperty("sec.models.dir"));
    private static final String[][] CALLS = {{"call-01-en.wav", "en"}, {"call-05-zh.wav", "zh"}};
    private static final SpeculationConfig SPEC = SpeculationConfig.defaults();
    private static final SegmenterConfig SEGMENTER = new SegmenterConfig(8000, 12.0, 16, 30_000, 65_536, "en", "frames");
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    /** What the inference core captions for every utterance of these frames: utterance id → tokens. */
    private static Map<String, long[]> expected(Map<String, List<AudioFrame>> calls) throws Exception {
        ModelManifest manifest = ModelManifest.load(MODELS.resolve("bundled"));
        Map<String, long[]> out = new HashMap<>();
        try (Drafter d = Drafter.load(manifest, 1); Verifier v = Verifier.load(manifest);
                CaptionTokenizer tok = CaptionTokenizer.load(manifest.tokenizerFile())) {
            Speculator speculator = new Speculator(d, v, manifest, tok, SPEC, new InProcessLink(v));
            FeatureExtractor fx = new FeatureExtractor(manifest.mel());
            for (var call : calls.entrySet()) {
                for (Channel ch : new Channel[] {Channel.AGENT, Channel.CUSTOMER}) {
                    List<ChannelSegmenter.Segment> segments = CallFrames.segments(call.getValue(), ch, SEGMENTER.reorderWindowFrames());
                    String lang = call.getValue().get(0).getLanguage();
                    for (ChannelSegmenter.Segment s : segments) {
                        out.put(call.getKey() + "/" + ch + "/" + s.startMs(),
                                speculator.caption(fx.features(s.samples(), 8000, "segment"), lang).tokens());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void everyUtteranceGetsOneFinalCaptionEqualToTheCore() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        KafkaSettings.Topics t = KafkaSettings.Topics.defaults();
        KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), Map.of(), new KafkaSettings.Topics(
                t.frames() + run, t.contexts() + run, t.requests() + run, t.verdicts() + run, t.captions() + run,
                t.partials() + run, t.deadLetters() + run), "it-" + run, "it-" + run);
        TopicAdmin.createMissing(settings, 2, (short) 1);

        Map<String, List<AudioFrame>> calls = new HashMap<>();
        for (String[] c : CALLS) {
            String callId = c[0].replace(".wav", "");
            calls.put(callId, CallFrames.of(callId, MODELS.resolve("calls").resolve(c[0]), c[1]));
        }
        Map<String, long[]> expected = expected(calls);
        assertEquals(20, expected.size(), "turns in calls 01 and 05");

        String bundle = MODELS.resolve("bundled").toString();
        StreamExecutionEnvironment cloudEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        cloudEnv.setParallelism(1);
        CloudVerifyJob.kafka(cloudEnv, settings, new CloudVerifyJob.Config(bundle, SPEC, 8, 5, 30_000, 64, 600_000));
        JobClient cloud = cloudEnv.executeAsync("cloud-verify");
        StreamExecutionEnvironment edgeEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        edgeEnv.setParallelism(1);
        edgeEnv.enableCheckpointing(500);
        EdgeCaptionJob.kafka(edgeEnv, settings, SEGMENTER, new DrafterConfig(bundle, SPEC, 60_000, true));
        JobClient edge = edgeEnv.executeAsync("edge-caption");
        try {
            AvroCodec<AudioFrame> frameCodec = new AvroCodec<>(AudioFrame.class);
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(settings.clientConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
                for (List<AudioFrame> frames : calls.values()) {
                    for (AudioFrame f : frames) {
                        p.send(new ProducerRecord<>(settings.topics().frames(), f.getCallId().getBytes(), frameCodec.encode(f)));
                    }
                }
                for (String junk : new String[] {"not avro at all", "", "\u0002\u0004zz"}) {
                    p.send(new ProducerRecord<>(settings.topics().frames(), "junk".getBytes(), junk.getBytes()));
                }
            }
            Map<String, List<EmotionCaption>> got = consumeCaptions(settings, expected.size(), Duration.ofMinutes(5));
            assertEquals(expected.keySet(), got.keySet(), "one caption per utterance");
            int verified = 0;
            for (var e : expected.entrySet()) {
                List<EmotionCaption> captions = got.get(e.getKey());
                assertEquals(1, captions.size(), e.getKey() + " captioned once");
                EmotionCaption c = captions.get(0);
                assertTrue(c.getFinal$());
                assertEquals(0, c.getTimeouts(), e.getKey() + " had a verdict for every block");
                assertArrayEquals(e.getValue(), c.getTokenIds().stream().mapToLong(Integer::longValue).toArray(),
                        e.getKey() + ": " + c.getText());
                verified += c.getSent();
            }
            assertTrue(verified > 0, "the verify loop through Kafka was used");

            // Malformed frames went to the dead-letter topic with where they came from and why.
            List<byte[]> dead = read(settings, settings.topics().deadLetters(), 3);
            assertEquals(3, dead.size());
            AvroCodec<sec.schemas.DeadLetter> deadCodec = new AvroCodec<>(sec.schemas.DeadLetter.class);
            for (byte[] d : dead) {
                sec.schemas.DeadLetter letter = deadCodec.decode(d);
                assertEquals(settings.topics().frames(), letter.getSourceTopic());
                assertTrue(letter.getOffset() >= 0 && letter.getReason().contains("AudioFrame"), letter.toString());
            }

            // Privacy: the cloud gets int8 contexts (steps x 16 bytes) and token ids, never PCM.
            long contextBytes = 0;
            AvroCodec<sec.schemas.AcousticContext> ctxCodec = new AvroCodec<>(sec.schemas.AcousticContext.class);
            for (byte[] b : read(settings, settings.topics().contexts(), expected.size())) {
                sec.schemas.AcousticContext c = ctxCodec.decode(b);
                assertEquals(c.getSteps() * 16, c.getFeatures().remaining());
                assertTrue(c.getSteps() <= 12_000 / 80, "at most one step per 80 ms of a 12 s utterance");
                contextBytes += b.length;
            }
            long requestBytes = 0;
            List<byte[]> requests = read(settings, settings.topics().requests(), 1);
            for (byte[] b : requests) {
                assertTrue(b.length < 1024, "a request is token ids, not audio: " + b.length + " bytes");
                requestBytes += b.length;
            }
            long audioBytes = 0;
            for (List<AudioFrame> frames : calls.values()) {
                audioBytes += frames.stream().mapToLong(f -> f.getPayload().remaining()).sum();
            }
            System.out.printf("uplink per utterance: %.0f context bytes + %.0f request bytes; all uplink / raw G.711 = %.4f%n",
                    contextBytes / (double) expected.size(), requestBytes / (double) expected.size(),
                    (contextBytes + requestBytes) / (double) audioBytes);
            assertTrue(contextBytes + requestBytes < audioBytes / 10, "uplink is a small share of the audio");
        } finally {
            edge.cancel().get();
            cloud.cancel().get();
        }
    }

    /** Everything on a topic (at least {@code atLeast} records, waiting up to 30 s for them). */
    private static List<byte[]> read(KafkaSettings s, String topic, int atLeast) {
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

    private static Map<String, List<EmotionCaption>> consumeCaptions(KafkaSettings s, int expected, Duration limit) {
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
            // read a little past the expected count, so a duplicate would be seen
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
}
