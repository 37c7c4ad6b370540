package sec.operators;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import sec.inference.EdgeModels;
import sec.inference.decode.BatchedDrafting;
import sec.inference.decode.SpeculativeDecoder;
import sec.schemas.AcousticContext;
import sec.schemas.EmotionCaption;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/**
 * The edge drafter, keyed by call: utterances in, verdicts back, captions out, and the verify
 * requests, acoustic contexts and partial captions as side outputs. A record changes its call's
 * keyed state ({@link CallDrafting}); a call with drafting to do is held, and once
 * {@code drafter.batch-calls} calls are held, {@code drafter.batch-delay-ms} has passed, or a
 * checkpoint barrier is due, their next blocks are drafted together ({@link BatchedDrafting}: one
 * decoder run per token step for all of them) and each call is settled in its own key context. A
 * batch of one drafts at once. Nothing is held across a checkpoint.
 *
 * <p>With pipelined drafting several blocks of an utterance are in flight at once. A block whose
 * verdict misses the deadline, or whose verdict does not fit it, is committed as drafted and marked
 * UNVERIFIED_TIMEOUT, so a dead or broken cloud degrades to edge-only captions. All decoding is the
 * inference core's {@link SpeculativeDecoder}. State and timer names are those of the keyed
 * function this operator replaced, so its savepoints restore here.
 */
public final class SpeculativeDrafter extends AbstractStreamOperator<EmotionCaption>
        implements TwoInputStreamOperator<Utterance, Verdict, EmotionCaption>, Triggerable<String, VoidNamespace> {
    public static final OutputTag<VerifyRequest> REQUESTS = new OutputTag<>("verify-requests") {};
    public static final OutputTag<AcousticContext> CONTEXTS = new OutputTag<>("acoustic-contexts") {};
    public static final OutputTag<EmotionCaption> PARTIALS = new OutputTag<>("partial-captions") {};

    private final DrafterConfig config;
    private transient EdgeModels models;
    private transient DrafterMetrics metrics;
    private transient CallDrafting calls;
    private transient InternalTimerService<VoidNamespace> deadlines;
    /** Calls with drafting to do, by key, in arrival order. */
    private transient Set<String> held;
    private transient boolean flushScheduled;

    public SpeculativeDrafter(DrafterConfig config) {
        this.config = config;
    }

    @Override
    public void open() throws Exception {
        super.open();
        models = EdgeModels.load(Path.of(config.modelDir()));
        metrics = new DrafterMetrics(getMetricGroup());
        deadlines = getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this);
        calls = new CallDrafting(config, models, getKeyedStateStore(), metrics, new Outputs());
        held = new LinkedHashSet<>();
    }

    @Override
    public void processElement1(StreamRecord<Utterance> element) throws Exception {
        holdIf(calls.hear(element.getValue()));
    }

    @Override
    public void processElement2(StreamRecord<Verdict> element) throws Exception {
        holdIf(calls.verdict(element.getValue()));
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        holdIf(calls.deadline(timer.getTimestamp()));
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
        // the drafter keeps no event-time timers
    }

    /** Holds the current call when it has drafting to do; drafts the held calls once the batch is full, or schedules it. */
    private void holdIf(boolean hasWork) throws Exception {
        if (hasWork) {
            held.add((String) getCurrentKey());
        }
        if (held.size() >= config.batchCalls()) {
            draftHeld();
        } else if (!held.isEmpty() && !flushScheduled) {
            flushScheduled = true;
            long at = getProcessingTimeService().getCurrentProcessingTime() + config.batchDelayMs();
            getProcessingTimeService().registerTimer(at, t -> {
                flushScheduled = false;
                draftHeld();
            });
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        draftHeld();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        draftHeld();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (models != null) {
                models.close();
            }
        } finally {
            super.close();
        }
    }

    /** Drafts every held call's open utterances together ({@link BatchedDrafting#draftAll}), then settles each call. */
    private void draftHeld() throws Exception {
        if (held.isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>(held);
        held.clear();
        List<CallDrafting.Call> batch = new ArrayList<>(keys.size());
        for (String key : keys) {
            setCurrentKey(key);
            batch.add(calls.load());
        }
        List<SpeculativeDecoder> decoders = new ArrayList<>();
        List<int[]> owner = new ArrayList<>(); // per decoder: {call, utterance of the call}
        for (int c = 0; c < batch.size(); c++) {
            for (int u = 0; u < batch.get(c).decoders().size(); u++) {
                decoders.add(batch.get(c).decoders().get(u));
                owner.add(new int[] {c, u});
            }
        }
        BatchedDrafting.draftAll(models.drafter(), decoders, config.batchCalls(),
                (d, block) -> calls.drafted(batch.get(owner.get(d)[0]), owner.get(d)[1], block));
        for (int c = 0; c < batch.size(); c++) {
            setCurrentKey(keys.get(c));
            calls.settle(batch.get(c));
        }
    }

    /** How many utterances were not speech (the {@code utterancesWithoutSpeech} counter). */
    long utterancesWithoutSpeech() {
        return metrics.noSpeech.getCount();
    }

    /** The operator's outputs and its deadline timers, in the key context the caller has set. */
    private final class Outputs implements DraftOutput {
        @Override
        public long now() {
            return getProcessingTimeService().getCurrentProcessingTime();
        }

        @Override
        public void context(AcousticContext c) {
            output.collect(CONTEXTS, new StreamRecord<>(c));
        }

        @Override
        public void request(VerifyRequest r) {
            output.collect(REQUESTS, new StreamRecord<>(r));
        }

        @Override
        public void partial(EmotionCaption c) {
            output.collect(PARTIALS, new StreamRecord<>(c));
        }

        @Override
        public void caption(EmotionCaption c) {
            output.collect(new StreamRecord<>(c));
        }

        @Override
        public void registerDeadline(long timestampMs) {
            deadlines.registerProcessingTimeTimer(VoidNamespace.INSTANCE, timestampMs);
        }

        @Override
        public void deleteDeadline(long timestampMs) {
            deadlines.deleteProcessingTimeTimer(VoidNamespace.INSTANCE, timestampMs);
        }
    }
}
