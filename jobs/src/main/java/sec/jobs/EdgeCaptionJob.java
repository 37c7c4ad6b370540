package sec.jobs;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import sec.connectors.DeadLetterSplit;
import sec.inference.BundleCheck;
import sec.connectors.KafkaIO;
import sec.connectors.KafkaSettings;
import sec.connectors.TopicAdmin;
import java.util.List;
import sec.operators.AlertRule;
import sec.operators.DrafterConfig;
import sec.operators.EmotionAlerter;
import sec.operators.RolloutRouter;
import sec.operators.RolloutStamp;
import sec.operators.SegmenterConfig;
import sec.operators.SpeculativeDrafter;
import sec.operators.Utterance;
import sec.operators.UtteranceSegmenter;
import sec.schemas.AcousticContext;
import sec.schemas.AudioFrame;
import sec.schemas.DeadLetter;
import sec.schemas.EmotionAlert;
import sec.schemas.EmotionCaption;
import sec.schemas.ModelRollout;
import sec.schemas.RolloutStatus;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/**
 * The edge job: frames → UtteranceSegmenter → roll-outs → SpeculativeDrafter (with verdicts) →
 * captions, and the drafter's requests and contexts to the cloud. {@link #define} takes the sources and sinks
 * (tests inject their own); {@link #kafka} wires the production Kafka topics; {@link #preflight}
 * checks the bundle and the broker before a submission.
 */
public final class EdgeCaptionJob {
    private EdgeCaptionJob() {}

    /** Where the edge job's outputs go. */
    public record Sinks(Sink<EmotionCaption> captions, Sink<EmotionCaption> partials, Sink<VerifyRequest> requests,
            Sink<AcousticContext> contexts, Sink<DeadLetter> deadLetters, Sink<EmotionAlert> alerts,
            Sink<RolloutStatus> modelStatus) {}

    /**
     * The edge graph. Roll-outs of the control topic are broadcast into the utterances between the
     * segmenter and the shuffle by call ({@link RolloutStamp}), so the drafter subtask of each call
     * learns them; its decisions go to {@code modelStatus}.
     */
    public static void define(DataStream<AudioFrame> frames, DataStream<Verdict> verdicts, DataStream<ModelRollout> rollouts,
            DataStream<DeadLetter> sourceDeadLetters, SegmenterConfig segmenter, DrafterConfig drafter, List<AlertRule> rules,
            Sinks sinks) {
        SingleOutputStreamOperator<Utterance> utterances = frames
                .keyBy(AudioFrame::getCallId)
                .process(new UtteranceSegmenter(segmenter)).name("utterance-segmenter").uid("utterance-segmenter")
                .setMaxParallelism(JobSettings.MAX_PARALLELISM);
        SingleOutputStreamOperator<EmotionCaption> captions = utterances
                .connect(rollouts.broadcast(RolloutRouter.STATE)).process(new RolloutStamp())
                .name("edge-rollouts").uid("edge-rollouts")
                .keyBy(u -> u.callId)
                .connect(verdicts.keyBy(Verdict::getCallId))
                .transform("speculative-drafter", TypeInformation.of(EmotionCaption.class), new SpeculativeDrafter(drafter))
                .uid("speculative-drafter").setMaxParallelism(JobSettings.MAX_PARALLELISM);
        captions.sinkTo(sinks.captions()).name("captions").uid("captions-sink");
        captions.keyBy(EmotionCaption::getCallId).process(new EmotionAlerter(rules)).name("emotion-alerts").uid("emotion-alerts")
                .setMaxParallelism(JobSettings.MAX_PARALLELISM)
                .sinkTo(sinks.alerts()).name("alerts").uid("alerts-sink");
        captions.getSideOutput(SpeculativeDrafter.PARTIALS).sinkTo(sinks.partials()).name("partial-captions").uid("partials-sink");
        captions.getSideOutput(SpeculativeDrafter.REQUESTS).sinkTo(sinks.requests()).name("verify-requests").uid("requests-sink");
        captions.getSideOutput(SpeculativeDrafter.CONTEXTS).sinkTo(sinks.contexts()).name("acoustic-contexts").uid("contexts-sink");
        captions.getSideOutput(SpeculativeDrafter.ROLLOUT_STATUS).sinkTo(sinks.modelStatus()).name("model-status")
                .uid("edge-model-status-sink");
        utterances.getSideOutput(UtteranceSegmenter.DEAD_LETTERS).union(sourceDeadLetters)
                .sinkTo(sinks.deadLetters()).name("dead-letters").uid("dead-letters-sink");
    }

    /**
     * Before a submission: the model bundle is loaded once and the topics are reached with the
     * job's credentials, so a broken bundle or a wrong login stops it with one line naming the
     * file or the broker, instead of a job that restarts on every TaskManager.
     */
    public static void preflight(JobSettings s) {
        BundleCheck.edge(java.nio.file.Path.of(s.drafter().modelDir()));
        TopicAdmin.checkAccess(s.kafka(), 30_000);
    }

    /** The production wiring: everything from and to Kafka, captions and alerts exactly once. No I/O here: see {@link #preflight}. */
    public static void kafka(StreamExecutionEnvironment env, JobSettings s) {
        KafkaSettings kafka = s.kafka();
        var topics = kafka.topics();
        var frames = KafkaIO.records(env, kafka, topics.frames(), AudioFrame.class, "edge-frames",
                OffsetsInitializer.earliest(), "frames");
        var verdicts = KafkaIO.records(env, kafka, topics.verdicts(), Verdict.class, "edge-verdicts",
                OffsetsInitializer.latest(), "verdicts");
        // from the earliest: a new job starts on what was rolled out last (the topic is compacted by side)
        var rollouts = KafkaIO.records(env, kafka, topics.models(), ModelRollout.class, "edge-models",
                OffsetsInitializer.earliest(), "edge-models");
        define(frames, verdicts, rollouts, frames.getSideOutput(DeadLetterSplit.DEAD_LETTERS).union(
                        verdicts.getSideOutput(DeadLetterSplit.DEAD_LETTERS), rollouts.getSideOutput(DeadLetterSplit.DEAD_LETTERS)),
                s.segmenter(), s.drafter(), s.alerts(),
                new Sinks(
                        KafkaIO.sink(kafka, topics.captions(), EmotionCaption.class, EmotionCaption::getCallId, DeliveryGuarantee.EXACTLY_ONCE),
                        KafkaIO.sink(kafka, topics.partials(), EmotionCaption.class, EmotionCaption::getCallId, DeliveryGuarantee.AT_LEAST_ONCE),
                        KafkaIO.sink(kafka, topics.requests(), VerifyRequest.class, VerifyRequest::getCallId, DeliveryGuarantee.AT_LEAST_ONCE),
                        KafkaIO.sink(kafka, topics.contexts(), AcousticContext.class, AcousticContext::getCallId, DeliveryGuarantee.AT_LEAST_ONCE),
                        KafkaIO.sink(kafka, topics.deadLetters(), DeadLetter.class, d -> null, DeliveryGuarantee.AT_LEAST_ONCE),
                        KafkaIO.sink(kafka, topics.alerts(), EmotionAlert.class, EmotionAlert::getCallId, DeliveryGuarantee.EXACTLY_ONCE),
                        KafkaIO.sink(kafka, topics.modelStatus(), RolloutStatus.class, RolloutStatus::getVersion,
                                DeliveryGuarantee.AT_LEAST_ONCE)));
    }

    /** Entry point on a cluster ({@code flink run}, REST, the Kubernetes operator): {@code --config FILE} and {@code --key value} overrides, see {@link JobSettings}. */
    public static void main(String[] args) throws Exception {
        JobSettings s = JobSettings.fromArgs(args);
        preflight(s);
        StreamExecutionEnvironment env = s.environment();
        kafka(env, s);
        env.execute("sec-edge");
    }
}
