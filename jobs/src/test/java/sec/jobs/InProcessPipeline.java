package sec.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import sec.schemas.AcousticContext;
import sec.schemas.AudioFrame;
import sec.schemas.DeadLetter;
import sec.schemas.EmotionCaption;
import sec.schemas.ModelRollout;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/**
 * Both jobs through their {@code define} seams on the test's MiniCluster, without a broker: the
 * calls as a bounded source of frames, requests, contexts, verdicts, roll-outs and their status
 * through {@link InMemoryTopics} named for this run. Neither job may restart (a failure fails it).
 * The verdicts are also copied to {@link #verdictLog} for the test to read.
 */
final class InProcessPipeline implements AutoCloseable {
    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String models = "models-" + run;
    final String edgeModels = "edge-models-" + run;
    final String edgeStatus = "edge-model-status-" + run;
    final String status = "model-status-" + run;
    final String captions = "captions-" + run;
    final String verdictLog = "verdict-log-" + run;
    private final JobClient cloud;
    private final JobClient edge;

    InProcessPipeline(Map<String, List<AudioFrame>> calls, JobSettings s) throws Exception {
        String requests = "requests-" + run, contexts = "contexts-" + run, verdicts = "verdicts-" + run;
        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");

        StreamExecutionEnvironment cloudEnv = StreamExecutionEnvironment.getExecutionEnvironment(noRestarts);
        cloudEnv.setParallelism(1);
        CloudVerifyJob.define(InMemoryTopics.source(cloudEnv, contexts, AcousticContext.class),
                InMemoryTopics.source(cloudEnv, requests, VerifyRequest.class),
                InMemoryTopics.source(cloudEnv, models, ModelRollout.class), s.verifier(),
                InMemoryTopics.sink(verdicts, verdictLog), InMemoryTopics.sink(status));

        StreamExecutionEnvironment edgeEnv = StreamExecutionEnvironment.getExecutionEnvironment(noRestarts);
        edgeEnv.setParallelism(2);
        List<AudioFrame> frames = new ArrayList<>();
        calls.values().forEach(frames::addAll);
        DataStream<AudioFrame> frameStream = edgeEnv.fromData(frames, TypeInformation.of(AudioFrame.class)).setParallelism(1);
        DataStream<DeadLetter> noDeadLetters = InMemoryTopics.source(edgeEnv, "source-dead-letters-" + run, DeadLetter.class);
        EdgeCaptionJob.define(frameStream, InMemoryTopics.source(edgeEnv, verdicts, Verdict.class),
                InMemoryTopics.source(edgeEnv, edgeModels, ModelRollout.class), noDeadLetters,
                s.segmenter(), s.drafter(), s.alerts(), new EdgeCaptionJob.Sinks(InMemoryTopics.sink(captions),
                        new DiscardingSink<>(), InMemoryTopics.sink(requests), InMemoryTopics.sink(contexts),
                        new DiscardingSink<>(), new DiscardingSink<>(), InMemoryTopics.sink(edgeStatus)));
        cloud = cloudEnv.executeAsync("cloud-in-process");
        edge = edgeEnv.executeAsync("edge-in-process");
    }

    /** Neither job failed (with restarts off, any exception fails its job). */
    boolean bothRunning() throws Exception {
        return !cloud.getJobStatus().get().isTerminalState() && !edge.getJobStatus().get().isTerminalState();
    }

    /** Captions by utterance id, until {@code expected} utterances have one (and a short wait for any second one). */
    Map<String, List<EmotionCaption>> captions(int expected, Duration limit) throws Exception {
        BlockingQueue<Object> q = InMemoryTopics.topic(captions);
        Map<String, List<EmotionCaption>> got = new HashMap<>();
        long end = System.nanoTime() + limit.toNanos();
        while (got.size() < expected && System.nanoTime() < end) {
            add(got, q.poll(100, TimeUnit.MILLISECONDS));
        }
        for (Object c = q.poll(500, TimeUnit.MILLISECONDS); c != null; c = q.poll(500, TimeUnit.MILLISECONDS)) {
            add(got, c);
        }
        return got;
    }

    private static void add(Map<String, List<EmotionCaption>> got, Object c) {
        if (c != null) {
            got.computeIfAbsent(((EmotionCaption) c).getUtteranceId(), k -> new ArrayList<>()).add((EmotionCaption) c);
        }
    }

    @Override
    public void close() throws Exception {
        edge.cancel().get();
        cloud.cancel().get();
    }
}
