package sec.operators;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import sec.inference.decode.BatchedDrafting;
import sec.inference.decode.SpeculativeDecoder;
import sec.schemas.AcousticContext;
import sec.schemas.EmotionCaption;
import sec.schemas.ModelRollout;
import sec.schemas.ModelSide;
import sec.schemas.RolloutStatus;
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
 *
 * <p>Model roll-outs arrive stamped on utterances ({@link RolloutStamp}); the versions are held by
 * {@link DrafterModels}: a new utterance starts on its call's version, an open one finishes on its
 * own. The roll-outs this subtask was told of are kept in union operator state, so a restore loads
 * them before the first record; each decision leaves as a {@link #ROLLOUT_STATUS} record.
 */
public final class SpeculativeDrafter extends AbstractStreamOperator<EmotionCaption>
        implements TwoInputStreamOperator<Utterance, Verdict, EmotionCaption>, Triggerable<String, VoidNamespace> {
    public static final OutputTag<VerifyRequest> REQUESTS = new OutputTag<>("verify-requests") {};
    public static final OutputTag<AcousticContext> CONTEXTS = new OutputTag<>("acoustic-contexts") {};
    public static final OutputTag<EmotionCaption> PARTIALS = new OutputTag<>("partial-captions") {};
    public static final OutputTag<RolloutStatus> ROLLOUT_STATUS = new OutputTag<>("edge-rollout-status") {};
    /** How long a restore waits for the roll-outs it restored before going on without them. */
    private static final long RESTORE_LOAD_MS = 120_000;

    private final DrafterConfig config;
    private transient DrafterModels models;
    /** The roll-outs this subtask was told of, in order (the last {@link RolloutLog#KEPT}). */
    private transient KnownRollouts known;
    private transient List<RolloutStatus> undelivered;
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
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        known = KnownRollouts.restore(getOperatorStateBackend(), "drafter-rollouts");
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        known.snapshot();
    }

    @Override
    public void open() throws Exception {
        super.open();
        int threads = TaskSlots.threads(config.threads(), getRuntimeContext());
        models = new DrafterModels(Path.of(config.modelDir()), threads, config.spinning(), config.speculation(),
                System::currentTimeMillis);
        undelivered = new ArrayList<>();
        known.all().forEach(r -> models.offer(RolloutLog.toVersions(r)));
        if (!known.all().isEmpty()) {
            models.awaitLoads(RESTORE_LOAD_MS); // restored utterances may need a rolled-out version
            refreshModels();
        }
        metrics = new DrafterMetrics(getMetricGroup());
        getMetricGroup().gauge("drafterThreads", (Gauge<Integer>) () -> threads);
        getMetricGroup().gauge("modelVersionsHeld", (Gauge<Integer>) () -> models.held().size());
        deadlines = getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this);
        calls = new CallDrafting(config, models, getKeyedStateStore(), metrics, new Outputs());
        held = new LinkedHashSet<>();
    }

    @Override
    public void processElement1(StreamRecord<Utterance> element) throws Exception {
        learn(element.getValue().rollouts);
        refreshModels();
        holdIf(calls.hear(element.getValue()));
    }

    /** Roll-outs not heard of before are offered (loaded in the background); the rest is known. */
    private void learn(ModelRollout[] plan) {
        if (plan == null) {
            return;
        }
        for (ModelRollout r : plan) {
            if (known.remember(r)) {
                models.offer(RolloutLog.toVersions(r));
            }
        }
    }

    /** Applies finished loads and closes idle versions; the decisions go out now or, in open(), with the next record. */
    private void refreshModels() {
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        for (var d : models.refresh(this::anyOpenUtteranceOn)) {
            undelivered.add(RolloutLog.status(d, ModelSide.EDGE, "edge", subtask, System.currentTimeMillis()));
        }
        if (output != null && getCurrentKey() != null) {
            undelivered.forEach(st -> output.collect(ROLLOUT_STATUS, new StreamRecord<>(st)));
            undelivered.clear();
        }
    }

    /** Whether any call's open utterance started on {@code version} (asked only before an idle version is closed). */
    private boolean anyOpenUtteranceOn(String version) {
        Object current = getCurrentKey();
        try (Stream<Object> keys = getKeyedStateBackend().getKeys("utterance-decodings", VoidNamespace.INSTANCE)) {
            for (Object key : (Iterable<Object>) keys::iterator) {
                setCurrentKey(key);
                if (calls.uses(version)) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return true; // when in doubt, keep the version
        } finally {
            if (current != null) {
                setCurrentKey(current);
            }
        }
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
        // one batch per drafter version: an utterance's KV cache belongs to the model it started on
        Map<String, List<Integer>> byVersion = new LinkedHashMap<>();
        for (int d = 0; d < decoders.size(); d++) {
            String v = models.resolve(batch.get(owner.get(d)[0]).utterances().get(owner.get(d)[1]).modelVersion);
            byVersion.computeIfAbsent(v, k -> new ArrayList<>()).add(d);
        }
        for (var group : byVersion.entrySet()) {
            List<Integer> ds = group.getValue();
            BatchedDrafting.draftAll(models.of(group.getKey()).drafter(), ds.stream().map(decoders::get).toList(),
                    config.batchCalls(), (i, block) -> {
                        int[] o = owner.get(ds.get(i));
                        calls.drafted(batch.get(o[0]), o[1], block);
                    });
        }
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
