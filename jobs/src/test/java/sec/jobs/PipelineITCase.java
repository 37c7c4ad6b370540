package sec.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sec.jobs.PipelineFixture.BUNDLE;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sec.connectors.AvroCodec;
import sec.devkit.EmbeddedKafka;
import sec.connectors.KafkaSettings;
import sec.inference.decode.SpeculationConfig;
import sec.schemas.AcousticContext;
import sec.schemas.AudioFrame;
import sec.schemas.DeadLetter;
import sec.schemas.EmotionCaption;

/**
 * Both jobs on one MiniCluster over the embedded broker: the 8 demo calls in as frames, captions
 * out, the verify loop through Kafka. Every utterance gets exactly one final caption
 * (read_committed), equal token for token to what the inference core makes of the same audio.
 */
class PipelineITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final SpeculationConfig SPEC = SpeculationConfig.defaults();
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    /**
     * Savepoints match state by uid: every operator of both production graphs has a fixed one, and
     * these are they (renaming one orphans its state in every savepoint taken before).
     */
    @Test
    void everyOperatorOfBothJobsHasItsFixedUid() throws Exception {
        KafkaSettings settings = PipelineFixture.freshTopics(kafka);
        StreamExecutionEnvironment edgeEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        EdgeCaptionJob.kafka(edgeEnv, PipelineFixture.jobs(settings));
        StreamExecutionEnvironment cloudEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        CloudVerifyJob.kafka(cloudEnv, PipelineFixture.jobs(settings), null);
        assertEquals(java.util.Set.of("frames-source", "frames-decode", "verdicts-source", "verdicts-decode", "utterance-segmenter",
                "speculative-drafter", "emotion-alerts", "captions-sink", "alerts-sink", "partials-sink", "requests-sink",
                "contexts-sink", "dead-letters-sink", "edge-models-source", "edge-models-decode", "edge-rollouts",
                "edge-model-status-sink"),
                uids(edgeEnv));
        assertEquals(java.util.Set.of("contexts-source", "contexts-decode", "requests-source", "requests-decode", "context-join",
                "cloud-models-source", "cloud-models-decode", "cloud-rollouts", "verifier", "verdicts-and-status", "verdicts-sink",
                "cloud-model-status-sink", "cloud-dead-letters-sink"), uids(cloudEnv));
    }

    /**
     * The uids of a graph's operators (a sink's committer has "Sink Committer: " before the sink's); fails
     * on a node without one, and on a keyed one without the fixed max parallelism (its state's key groups).
     */
    private static java.util.Set<String> uids(StreamExecutionEnvironment env) {
        java.util.Set<String> uids = new java.util.TreeSet<>();
        for (var node : env.getStreamGraph().getStreamNodes()) {
            String uid = node.getTransformationUID();
            assertTrue(uid != null, "no uid on " + node.getOperatorName());
            if (node.getStateKeySerializer() != null) {
                assertEquals(JobSettings.MAX_PARALLELISM, node.getMaxParallelism(), "max parallelism of " + uid);
            }
            uids.add(uid.replaceFirst("^Sink (Committer|Writer|Global Committer): ", ""));
        }
        return uids;
    }

    @Test
    void everyUtteranceGetsOneFinalCaptionEqualToTheCore() throws Exception {
        KafkaSettings settings = PipelineFixture.freshTopics(kafka);
        Map<String, List<AudioFrame>> calls = PipelineFixture.calls("call-01-en.wav", "call-02-en.wav", "call-03-en.wav",
                "call-04-en.wav", "call-05-zh.wav", "call-06-zh.wav", "call-07-zh.wav", "call-08-zh.wav");
        Map<String, long[]> expected = PipelineFixture.coreCaptions(calls, SPEC);
        assertTrue(expected.size() >= 8 * 8, "at least 8 turns per call: " + expected.size());

        StreamExecutionEnvironment cloudEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        cloudEnv.setParallelism(1);
        CloudVerifyJob.kafka(cloudEnv, PipelineFixture.jobs(settings), null);
        JobClient cloud = cloudEnv.executeAsync("cloud-verify");
        StreamExecutionEnvironment edgeEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        edgeEnv.setParallelism(2);
        edgeEnv.enableCheckpointing(500);
        EdgeCaptionJob.kafka(edgeEnv, PipelineFixture.jobs(settings));
        JobClient edge = edgeEnv.executeAsync("edge-caption");
        try {
            PipelineFixture.produce(settings, calls, f -> true);
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(settings.clientConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
                for (String junk : new String[] {"not avro at all", "", "\u0002\u0004zz"}) {
                    p.send(new ProducerRecord<>(settings.topics().frames(), "junk".getBytes(), junk.getBytes()));
                }
            }
            Map<String, List<EmotionCaption>> got = PipelineFixture.committedCaptions(settings, expected.size(), Duration.ofMinutes(6));
            int verified = PipelineFixture.assertOneCaptionEachEqualToTheCore(expected, got);
            assertTrue(verified > 0, "the verify loop through Kafka was used");

            // Malformed frames went to the dead-letter topic with where they came from and why.
            List<byte[]> dead = PipelineFixture.read(settings, settings.topics().deadLetters(), 3);
            assertEquals(3, dead.size());
            AvroCodec<DeadLetter> deadCodec = new AvroCodec<>(DeadLetter.class);
            for (byte[] d : dead) {
                DeadLetter letter = deadCodec.decode(d);
                assertEquals(settings.topics().frames(), letter.getSourceTopic());
                assertTrue(letter.getOffset() >= 0 && letter.getReason().contains("AudioFrame"), letter.toString());
            }

            // Privacy: the cloud gets int8 contexts (steps x the bundle's context width) and token ids, never PCM.
            int width = sec.inference.model.ModelManifest.load(PipelineFixture.MODELS.resolve("bundled")).contextDim();
            long contextBytes = 0;
            AvroCodec<AcousticContext> ctxCodec = new AvroCodec<>(AcousticContext.class);
            for (byte[] b : PipelineFixture.read(settings, settings.topics().contexts(), expected.size())) {
                AcousticContext c = ctxCodec.decode(b);
                assertEquals(width, c.getDim());
                assertEquals(c.getSteps() * width, c.getFeatures().remaining());
                assertTrue(c.getSteps() <= 12_000 / 80, "at most one step per 80 ms of a 12 s utterance");
                contextBytes += b.length;
            }
            long requestBytes = 0;
            for (byte[] b : PipelineFixture.read(settings, settings.topics().requests(), 1)) {
                assertTrue(b.length < 1024, "a request is token ids, not audio: " + b.length + " bytes");
                requestBytes += b.length;
            }
            long audioBytes = 0;
            for (List<AudioFrame> frames : calls.values()) {
                audioBytes += frames.stream().mapToLong(f -> f.getPayload().remaining()).sum();
            }
            System.out.printf("%d utterances; uplink per utterance: %.0f context bytes + %.0f request bytes;"
                            + " all uplink / raw G.711 = %.4f%n", expected.size(), contextBytes / (double) expected.size(),
                    requestBytes / (double) expected.size(), (contextBytes + requestBytes) / (double) audioBytes);
            assertTrue(contextBytes + requestBytes < audioBytes / 10, "uplink is a small share of the audio");
        } finally {
            edge.cancel().get();
            cloud.cancel().get();
        }
    }
}
