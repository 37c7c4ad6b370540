package sec.jobs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sec.inference.decode.SpeculationConfig;
import sec.schemas.AcousticContext;
import sec.schemas.AudioFrame;
import sec.schemas.DeadLetter;
import sec.schemas.EmotionCaption;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/**
 * Both jobs through their {@code define} seams, without a broker: the demo calls as a bounded
 * source of frames, the edge's requests and contexts handed to the cloud job and its verdicts back
 * through in-memory topics, captions collected. Every utterance gets one final caption, token for
 * token the inference core's. (The Kafka ITCases add what a broker brings: exactly-once, restarts.)
 */
class BothJobsInProcessITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    @Test
    void theVerifyLoopClosedInProcessCaptionsLikeTheCore() throws Exception {
        Map<String, List<AudioFrame>> calls = PipelineFixture.calls("call-01-en.wav", "call-05-zh.wav");
        Map<String, long[]> expected = PipelineFixture.coreCaptions(calls, SpeculationConfig.defaults());
        // no broker: nothing in define(…) connects to one
        JobSettings s = PipelineFixture.jobs(JobSettings.kafka(Map.of("kafka.bootstrap-servers", "no-broker:9092")));
        String run = UUID.randomUUID().toString().substring(0, 8);
        String requests = "requests-" + run, contexts = "contexts-" + run, verdicts = "verdicts-" + run, captions = "captions-" + run;

        StreamExecutionEnvironment cloudEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        cloudEnv.setParallelism(1);
        CloudVerifyJob.define(InMemoryTopics.source(cloudEnv, contexts, AcousticContext.class),
                InMemoryTopics.source(cloudEnv, requests, VerifyRequest.class), s.verifier(), InMemoryTopics.sink(verdicts));

        StreamExecutionEnvironment edgeEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        edgeEnv.setParallelism(2);
        List<AudioFrame> frames = new ArrayList<>();
        calls.values().forEach(frames::addAll);
        DataStream<AudioFrame> frameStream = edgeEnv.fromData(frames, TypeInformation.of(AudioFrame.class)).setParallelism(1);
        DataStream<DeadLetter> noDeadLetters = InMemoryTopics.source(edgeEnv, "source-dead-letters-" + run, DeadLetter.class);
        EdgeCaptionJob.define(frameStream, InMemoryTopics.source(edgeEnv, verdicts, Verdict.class), noDeadLetters,
                s.segmenter(), s.drafter(), s.alerts(), new EdgeCaptionJob.Sinks(InMemoryTopics.sink(captions),
                        new DiscardingSink<>(), InMemoryTopics.sink(requests), InMemoryTopics.sink(contexts),
                        new DiscardingSink<>(), new DiscardingSink<>()));

        JobClient cloud = cloudEnv.executeAsync("cloud-in-process");
        JobClient edge = edgeEnv.executeAsync("edge-in-process");
        try {
            Map<String, List<EmotionCaption>> got = take(InMemoryTopics.topic(captions), expected.size(), Duration.ofMinutes(4));
            int sent = PipelineFixture.assertOneCaptionEachEqualToTheCore(expected, got);
            assertTrue(sent > 0, "blocks went round the loop: " + sent + " tokens verified");
        } finally {
            edge.cancel().get();
            cloud.cancel().get();
        }
    }

    /** Captions by utterance id, until {@code expected} utterances have one (and a short wait for any second one). */
    private static Map<String, List<EmotionCaption>> take(BlockingQueue<Object> q, int expected, Duration limit) throws Exception {
        Map<String, List<EmotionCaption>> got = new HashMap<>();
        long end = System.nanoTime() + limit.toNanos();
        while (got.size() < expected && System.nanoTime() < end) {
            Object c = q.poll(100, TimeUnit.MILLISECONDS);
            if (c != null) {
                got.computeIfAbsent(((EmotionCaption) c).getUtteranceId(), k -> new ArrayList<>()).add((EmotionCaption) c);
            }
        }
        for (Object c = q.poll(500, TimeUnit.MILLISECONDS); c != null; c = q.poll(500, TimeUnit.MILLISECONDS)) {
            got.computeIfAbsent(((EmotionCaption) c).getUtteranceId(), k -> new ArrayList<>()).add((EmotionCaption) c);
        }
        return got;
    }
}
