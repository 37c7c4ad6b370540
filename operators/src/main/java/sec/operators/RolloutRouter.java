package sec.operators;

import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import sec.schemas.ModelRollout;
import sec.schemas.ModelSide;

/**
 * Keeps the cloud's roll-outs in broadcast state ({@link RolloutLog}, checkpointed: a restore keeps
 * them without reading the control topic again) and hands them to the verifier behind it as control
 * elements of its own input: each as it is published, and after a start or restore the plan, in
 * order, in front of the first element (marked {@code replay}, so they are loaded before it is served;
 * so is a roll-out that comes before any request, as when a new job reads the topic from its start).
 */
public class RolloutRouter extends BroadcastProcessFunction<VerifyTask, ModelRollout, VerifyTask> {
    /** The broadcast state's descriptor, for {@code stream.broadcast(…)}. */
    public static final org.apache.flink.api.common.state.MapStateDescriptor<Long, ModelRollout> STATE = RolloutLog.STATE;
    private final ModelSide side;
    private transient boolean replayed;

    public RolloutRouter(ModelSide side) {
        this.side = side;
    }

    @Override
    public void processElement(VerifyTask task, ReadOnlyContext ctx, Collector<VerifyTask> out) throws Exception {
        replayOnce(ctx.getBroadcastState(RolloutLog.STATE).immutableEntries(), out);
        out.collect(task);
    }

    @Override
    public void processBroadcastElement(ModelRollout r, Context ctx, Collector<VerifyTask> out) throws Exception {
        if (!RolloutLog.concerns(r, side)) {
            return;
        }
        var state = ctx.getBroadcastState(RolloutLog.STATE);
        boolean beforeAnyRequest = !replayed; // a new job reading the topic: load it before serving
        replayOnce(state.immutableEntries(), out);
        RolloutLog.append(state, r);
        // every subtask gets every broadcast element: this one's verifier hears it exactly once
        out.collect(VerifyTask.control(r, beforeAnyRequest));
    }

    private void replayOnce(Iterable<java.util.Map.Entry<Long, ModelRollout>> entries, Collector<VerifyTask> out) {
        if (!replayed) {
            replayed = true;
            RolloutLog.plan(entries).forEach(r -> out.collect(VerifyTask.control(r, true)));
        }
    }
}
