package sec.operators;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import sec.inference.decode.BatchedDrafting;
import sec.inference.decode.SpeculativeDecoder;
import sec.schemas.EmotionCaption;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/**
 * The edge drafter with calls drafted together: {@link SpeculativeDrafter} handles each record as
 * before but leaves the drafting to this operator, which holds the calls with drafting to do and,
 * once {@code drafter.batch-calls} of them wait, {@code drafter.batch-delay-ms} has passed, or a
 * checkpoint barrier is due, drafts all their next blocks together ({@link BatchedDrafting}: one
 * decoder run per token step for all of them), switching to each call's key to read and store its
 * state. With a batch of 1 it is the plain keyed function. Nothing is held across a checkpoint:
 * the held calls are drafted before the barrier goes on.
 */
public final class BatchingDrafterOperator extends KeyedCoProcessOperator<String, Utterance, Verdict, EmotionCaption> {
    private final int batchCalls;
    private final long batchDelayMs;
    private transient Set<String> held;
    private transient boolean flushScheduled;
    private transient InternalTimerService<VoidNamespace> deadlines;
    private transient DraftOutput batchOutput;

    public BatchingDrafterOperator(DrafterConfig config) {
        super(new SpeculativeDrafter(config));
        this.batchCalls = config.batchCalls();
        this.batchDelayMs = config.batchDelayMs();
    }

    @Override
    public void open() throws Exception {
        super.open();
        // the function's own timers: the same service (by name) its context registers deadlines with
        deadlines = getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this);
        held = new LinkedHashSet<>();
        batchOutput = new OperatorOutput();
        if (batchCalls > 1) {
            ((SpeculativeDrafter) getUserFunction()).deferTo(held::add);
        }
    }

    @Override
    public void processElement1(StreamRecord<Utterance> element) throws Exception {
        super.processElement1(element);
        afterRecord();
    }

    @Override
    public void processElement2(StreamRecord<Verdict> element) throws Exception {
        super.processElement2(element);
        afterRecord();
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        super.onProcessingTime(timer);
        afterRecord();
    }

    private void afterRecord() throws Exception {
        if (held.size() >= batchCalls) {
            draftHeld();
        } else if (!held.isEmpty() && !flushScheduled) {
            flushScheduled = true;
            long at = getProcessingTimeService().getCurrentProcessingTime() + batchDelayMs;
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

    /** Drafts every held call's open utterances together ({@link BatchedDrafting#draftAll}), then settles each call. */
    private void draftHeld() throws Exception {
        if (held.isEmpty()) {
            return;
        }
        SpeculativeDrafter drafter = (SpeculativeDrafter) getUserFunction();
        List<String> keys = new ArrayList<>(held);
        held.clear();
        List<SpeculativeDrafter.CallDrafts> calls = new ArrayList<>(keys.size());
        for (String key : keys) {
            setCurrentKey(key);
            calls.add(drafter.load());
        }
        List<SpeculativeDecoder> decoders = new ArrayList<>();
        List<int[]> owner = new ArrayList<>(); // per decoder: {call, utterance of the call}
        for (int c = 0; c < calls.size(); c++) {
            for (int u = 0; u < calls.get(c).decoders().size(); u++) {
                decoders.add(calls.get(c).decoders().get(u));
                owner.add(new int[] {c, u});
            }
        }
        BatchedDrafting.draftAll(drafter.drafter(), decoders, batchCalls,
                (d, block) -> drafter.drafted(calls.get(owner.get(d)[0]), owner.get(d)[1], block, batchOutput));
        for (int c = 0; c < calls.size(); c++) {
            setCurrentKey(keys.get(c));
            drafter.settle(calls.get(c), batchOutput);
        }
    }

    /** Records and deadlines from a batch, outside any one record's context. */
    private final class OperatorOutput implements DraftOutput {
        @Override
        public long now() {
            return getProcessingTimeService().getCurrentProcessingTime();
        }

        @Override
        public void request(VerifyRequest r) {
            output.collect(SpeculativeDrafter.REQUESTS, new StreamRecord<>(r));
        }

        @Override
        public void partial(EmotionCaption c) {
            output.collect(SpeculativeDrafter.PARTIALS, new StreamRecord<>(c));
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
