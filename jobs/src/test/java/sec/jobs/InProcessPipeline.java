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
import sec.schemas.RolloutStatus;
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

    /** Both jobs, the calls' frames as a bounded source. */
    InProcessPipeline(Map<String, List<AudioFrame>> calls, JobSettings s) throws Exception {
        this(s, 2, env -> {
            List<AudioFrame> frames = new ArrayList<>();
            calls.values().forEach(frames::addAll);
            return env.fromData(frames, TypeInformation.of(AudioFrame.class)).setParallelism(1);
        }, null, null);
    }

    /**
     * Both jobs at parallelism 1 with every source a topic of fixed uid (frames from {@link #frames}),
     * started from the given savepoints when not null: graphs a savepoint can be taken of and restored to.
     */
    static InProcessPipeline restorable(JobSettings s, String edgeSavepoint, String cloudSavepoint) throws Exception {
        return new InProcessPipeline(s, 1, null, edgeSavepoint, cloudSavepoint);
    }

    final String frames = "frames-" + run;

    private InProcessPipeline(JobSettings s, int edgeParallelism,
            java.util.function.Function<StreamExecutionEnvironment, DataStream<AudioFrame>> bounded, String edgeSavepoint,
            String cloudSavepoint) throws Exception {
        String requests = "requests-" + run, contexts = "contexts-" + run, verdicts = "verdicts-" + run;
        StreamExecutionEnvironment cloudEnv = StreamExecutionEnvironment.getExecutionEnvironment(settings(cloudSavepoint));
        cloudEnv.setParallelism(1);
        CloudVerifyJob.define(InMemoryTopics.source(cloudEnv, contexts, AcousticContext.class, "in-memory-contexts"),
                InMemoryTopics.source(cloudEnv, requests, VerifyRequest.class, "in-memory-requests"),
                InMemoryTopics.source(cloudEnv, models, ModelRollout.class, "in-memory-cloud-models"), s.verifier(),
                InMemoryTopics.sink(verdicts, verdictLog), InMemoryTopics.sink(status));

        StreamExecutionEnvironment edgeEnv = StreamExecutionEnvironment.getExecutionEnvironment(settings(edgeSavepoint));
        edgeEnv.setParallelism(edgeParallelism);
        DataStream<AudioFrame> frameStream = bounded != null ? bounded.apply(edgeEnv)
                : InMemoryTopics.source(edgeEnv, frames, AudioFrame.class, "in-memory-frames");
        DataStream<DeadLetter> noDeadLetters = InMemoryTopics.source(edgeEnv, "source-dead-letters-" + run, DeadLetter.class,
                "in-memory-dead-letters");
        EdgeCaptionJob.define(frameStream, InMemoryTopics.source(edgeEnv, verdicts, Verdict.class, "in-memory-verdicts"),
                InMemoryTopics.source(edgeEnv, edgeModels, ModelRollout.class, "in-memory-edge-models"), noDeadLetters,
                s.segmenter(), s.drafter(), s.alerts(), new EdgeCaptionJob.Sinks(InMemoryTopics.sink(captions),
                        new DiscardingSink<>(), InMemoryTopics.sink(requests), InMemoryTopics.sink(contexts),
                        new DiscardingSink<>(), new DiscardingSink<>(), InMemoryTopics.sink(edgeStatus)));
        cloud = cloudEnv.executeAsync("cloud-in-process");
        edge = edgeEnv.executeAsync("edge-in-process");
    }

    /** No restarts (a failure fails the job), checkpoints every second, and where to restore from. */
    private static Configuration settings(String savepoint) {
        Configuration c = new Configuration();
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        c.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTING_INTERVAL, java.time.Duration.ofSeconds(1));
        if (savepoint != null) {
            c.set(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        return c;
    }

    /** Stops both jobs with savepoints under {@code dir} (edge/, cloud/); returns their paths, edge first. */
    String[] stopWithSavepoints(java.nio.file.Path dir) throws Exception {
        String e = edge.stopWithSavepoint(false, dir.resolve("edge").toUri().toString(),
                org.apache.flink.core.execution.SavepointFormatType.CANONICAL).get();
        String c = cloud.stopWithSavepoint(false, dir.resolve("cloud").toUri().toString(),
                org.apache.flink.core.execution.SavepointFormatType.CANONICAL).get();
        stopped = true;
        return new String[] {e, c};
    }

    private boolean stopped;

    /** Neither job failed (with restarts off, any exception fails its job). */
    boolean bothRunning() throws Exception {
        return !cloud.getJobStatus().get().isTerminalState() && !edge.getJobStatus().get().isTerminalState();
    }

    /** Captions by utterance id, until {@code expected} utterances have one (and a short wait for any second one). */
    /**
     * Feeds the calls after the first {@code fed} of {@code calls} into {@link #frames} one at a time, each
     * after 3 s without a status record on {@code statusTopic}, until a record {@code until} accepts has
     * come (every record collected into {@code status}) or only {@code keep} calls are left; returns how
     * many calls are fed. A roll-out's status comes out with the first record a subtask gets after it
     * has decided (it loads and warms a version up on a background thread), so traffic must keep coming.
     */
    int feedUntilStatus(String statusTopic, List<List<AudioFrame>> calls, int fed, int keep, List<RolloutStatus> status,
            java.util.function.Predicate<RolloutStatus> until) throws InterruptedException {
        BlockingQueue<Object> q = InMemoryTopics.topic(statusTopic);
        while (status.stream().noneMatch(until) && fed < calls.size() - keep) {
            Object st = q.poll(3, TimeUnit.SECONDS);
            if (st != null) {
                status.add((RolloutStatus) st);
            } else {
                InMemoryTopics.topic(frames).addAll(calls.get(fed++));
            }
        }
        return fed;
    }

    Map<String, List<EmotionCaption>> captions(int expected, Duration limit) throws Exception {
        BlockingQueue<Object> q = InMemoryTopics.topic(captions);
        Map<String, List<EmotionCaption>> got = new HashMap<>();
        long end = System.nanoTime() + limit.toNanos();
        for (int polls = 0; got.size() < expected && System.nanoTime() < end; polls++) {
            add(got, q.poll(100, TimeUnit.MILLISECONDS));
            if (polls % 20 == 19 && !bothRunning()) {
                break; // a job failed (a restore that does not fit, say): no caption is coming
            }
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
        if (!stopped) {
            edge.cancel().get();
            cloud.cancel().get();
        }
    }
}
