package sec.jobs;

import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import sec.connectors.DeadLetterSplit;
import sec.inference.BundleCheck;
import sec.connectors.KafkaIO;
import sec.connectors.KafkaSettings;
import sec.connectors.TopicAdmin;
import sec.operators.CloudOutput;
import sec.operators.ContextJoin;
import sec.operators.RolloutRouter;
import sec.operators.VerifierConfig;
import sec.operators.VerifierFunction;
import sec.schemas.AcousticContext;
import sec.schemas.DeadLetter;
import sec.schemas.ModelRollout;
import sec.schemas.ModelSide;
import sec.schemas.RolloutStatus;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/** The cloud job: contexts + requests → ContextJoin → roll-outs → async batching verifier → verdicts, roll-out status. */
public final class CloudVerifyJob {
    private CloudVerifyJob() {}

    /**
     * Verifier settings: bundle, batching, async timeout and capacity, context expiry, and how many
     * requests of one utterance wait for its context (past it later ones are dropped; the edge's
     * deadline commits its block unverified), and libtorch's threads ({@code auto}: the node's cores
     * divided by the TaskManager's slots) and OpenMP wait policy.
     */
    public record Config(String modelDir, sec.inference.decode.SpeculationConfig speculation, int maxBatch,
            long maxWaitMs, long asyncTimeoutMs, int asyncCapacity, long contextTtlMs, int maxWaitingRequests, int threads,
            sec.inference.verifier.TorchThreads.WaitPolicy waitPolicy)
            implements java.io.Serializable {
        public static final int DEFAULT_MAX_BATCH = 16;
        public static final long DEFAULT_MAX_WAIT_MS = 5;
        public static final long DEFAULT_ASYNC_TIMEOUT_MS = 30_000;
        public static final int DEFAULT_ASYNC_CAPACITY = 64;
        public static final long DEFAULT_CONTEXT_TTL_MS = 600_000;
        public static final int DEFAULT_MAX_WAITING_REQUESTS = 64;
        public static final int DEFAULT_THREADS = sec.inference.runtime.ThreadBudget.AUTO_THREADS;
        public static final sec.inference.verifier.TorchThreads.WaitPolicy DEFAULT_WAIT_POLICY =
                sec.inference.verifier.TorchThreads.WaitPolicy.PASSIVE;

        public Config {
            if (maxBatch < 1 || asyncCapacity < 1 || maxWaitingRequests < 1 || threads < 0) {
                throw new IllegalArgumentException("verifier.max-batch, verifier.async-capacity, verifier.max-waiting-requests"
                        + " must be >= 1 and verifier.threads auto or >= 1, got " + maxBatch + ", " + asyncCapacity + ", "
                        + maxWaitingRequests + ", " + threads);
            }
            if (maxWaitMs < 0 || asyncTimeoutMs <= 0 || contextTtlMs <= 0) {
                throw new IllegalArgumentException("verifier.max-wait-ms must be >= 0 and verifier.async-timeout-ms,"
                        + " verifier.context-ttl-ms > 0, got " + maxWaitMs + ", " + asyncTimeoutMs + ", " + contextTtlMs);
            }
        }
    }

    /**
     * The cloud graph: contexts joined with requests, roll-outs of the control topic broadcast into
     * the stream in front of the verifier ({@link RolloutRouter}), verdicts out, and one status
     * record per roll-out decision of each verifier subtask.
     */
    public static void define(DataStream<AcousticContext> contexts, DataStream<VerifyRequest> requests,
            DataStream<ModelRollout> rollouts, Config c, Sink<Verdict> verdicts, Sink<RolloutStatus> statuses) {
        var joined = contexts.keyBy(AcousticContext::getCallId)
                .connect(requests.keyBy(VerifyRequest::getCallId))
                .process(new ContextJoin(c.contextTtlMs(), c.maxWaitingRequests())).name("context-join").uid("context-join")
                .setMaxParallelism(JobSettings.MAX_PARALLELISM);
        var tasks = joined.connect(rollouts.broadcast(RolloutRouter.STATE)).process(new RolloutRouter(ModelSide.CLOUD))
                .name("cloud-rollouts").uid("cloud-rollouts");
        var out = AsyncDataStream.orderedWait(tasks,
                        new VerifierFunction(new VerifierConfig(c.modelDir(), c.speculation(), c.maxBatch(), c.maxWaitMs(),
                                4 * c.asyncCapacity(), c.threads(), c.waitPolicy())),
                        c.asyncTimeoutMs(), TimeUnit.MILLISECONDS, c.asyncCapacity())
                .name("verifier").uid("verifier")
                .process(new CloudOutput.Split()).name("verdicts-and-status").uid("verdicts-and-status");
        out.sinkTo(verdicts).name("verdicts").uid("verdicts-sink");
        out.getSideOutput(CloudOutput.STATUS).sinkTo(statuses).name("model-status").uid("cloud-model-status-sink");
    }

    /** Before a submission: the bundle loads and the topics are reachable (see {@link EdgeCaptionJob#preflight}). */
    public static void preflight(JobSettings s) {
        BundleCheck.cloud(java.nio.file.Path.of(s.verifier().modelDir()));
        TopicAdmin.checkAccess(s.kafka(), 30_000);
    }

    /**
     * The production wiring from and to Kafka, with requests first passed through {@code link}
     * (emulation: an outage that loses requests, a round-trip delay) when not null. No I/O here.
     */
    public static void kafka(StreamExecutionEnvironment env, JobSettings s,
            java.util.function.UnaryOperator<DataStream<VerifyRequest>> link) {
        KafkaSettings kafka = s.kafka();
        var topics = kafka.topics();
        var contexts = KafkaIO.records(env, kafka, topics.contexts(), AcousticContext.class, "cloud-contexts",
                OffsetsInitializer.earliest(), "contexts");
        var requests = KafkaIO.records(env, kafka, topics.requests(), VerifyRequest.class, "cloud-requests",
                OffsetsInitializer.earliest(), "requests");
        // from the earliest: a new job starts on what was rolled out last (the topic is compacted by side)
        var rollouts = KafkaIO.records(env, kafka, topics.models(), ModelRollout.class, "cloud-models",
                OffsetsInitializer.earliest(), "cloud-models");
        DataStream<VerifyRequest> arriving = link == null ? requests : link.apply(requests);
        define(contexts, arriving, rollouts, s.verifier(), KafkaIO.sink(kafka, topics.verdicts(), Verdict.class,
                        Verdict::getCallId, DeliveryGuarantee.AT_LEAST_ONCE),
                KafkaIO.sink(kafka, topics.modelStatus(), RolloutStatus.class, RolloutStatus::getVersion,
                        DeliveryGuarantee.AT_LEAST_ONCE));
        contexts.getSideOutput(DeadLetterSplit.DEAD_LETTERS).union(requests.getSideOutput(DeadLetterSplit.DEAD_LETTERS),
                        rollouts.getSideOutput(DeadLetterSplit.DEAD_LETTERS))
                .sinkTo(KafkaIO.sink(kafka, topics.deadLetters(), DeadLetter.class, d -> null, DeliveryGuarantee.AT_LEAST_ONCE))
                .name("dead-letters").uid("cloud-dead-letters-sink");
    }

    /** Entry point on a cluster ({@code flink run}, REST, the Kubernetes operator): {@code --config FILE} and {@code --key value} overrides, see {@link JobSettings}. */
    public static void main(String[] args) throws Exception {
        JobSettings s = JobSettings.fromArgs(args);
        preflight(s);
        StreamExecutionEnvironment env = s.environment();
        kafka(env, s, null);
        env.execute("sec-cloud");
    }
}
