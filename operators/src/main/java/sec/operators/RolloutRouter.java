package sec.operators;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import sec.schemas.ModelRollout;
import sec.schemas.ModelSide;

/**
 * Keeps the roll-outs of one side in broadcast state (checkpointed: a restore keeps them without
 * reading the control topic again) and hands them to the model-holding operator behind it as control
 * elements of its own input: each as it is published, and after a restore all of them, in order, in
 * front of the first element (marked {@code replay}, so they are loaded before that element is served).
 */
public class RolloutRouter extends BroadcastProcessFunction<VerifyTask, ModelRollout, VerifyTask> {
    /** Roll-outs by publication order; the last {@link #KEPT} are enough to rebuild stable and canary. */
    public static final MapStateDescriptor<Long, ModelRollout> ROLLOUTS =
            new MapStateDescriptor<>("model-rollouts", Types.LONG, TypeInformation.of(ModelRollout.class));
    static final int KEPT = 8;

    private final ModelSide side;
    private transient boolean replayed;

    public RolloutRouter(ModelSide side) {
        this.side = side;
    }

    @Override
    public void processElement(VerifyTask task, ReadOnlyContext ctx, Collector<VerifyTask> out) throws Exception {
        replayOnce(ctx.getBroadcastState(ROLLOUTS).immutableEntries(), out);
        out.collect(task);
    }

    @Override
    public void processBroadcastElement(ModelRollout r, Context ctx, Collector<VerifyTask> out) throws Exception {
        if (r.getSide() != side && r.getSide() != ModelSide.BOTH) {
            return;
        }
        var state = ctx.getBroadcastState(ROLLOUTS);
        replayOnce(state.immutableEntries(), out);
        long next = 0;
        List<Long> keys = new ArrayList<>();
        for (var e : state.entries()) {
            keys.add(e.getKey());
            next = Math.max(next, e.getKey() + 1);
        }
        state.put(next, r);
        keys.sort(null);
        for (int i = 0; i < keys.size() + 1 - KEPT; i++) {
            state.remove(keys.get(i));
        }
        // every subtask gets every broadcast element: this one's model holder hears it exactly once
        out.collect(VerifyTask.control(r, false));
    }

    /** After a start or restore, the roll-outs kept so far, oldest first, before anything else. */
    private void replayOnce(Iterable<Map.Entry<Long, ModelRollout>> entries, Collector<VerifyTask> out) {
        if (replayed) {
            return;
        }
        replayed = true;
        List<Map.Entry<Long, ModelRollout>> kept = new ArrayList<>();
        entries.forEach(kept::add);
        kept.sort(Map.Entry.comparingByKey());
        kept.forEach(e -> out.collect(VerifyTask.control(e.getValue(), true)));
    }
}
