package sec.operators;

import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import sec.schemas.ModelRollout;
import sec.schemas.ModelSide;

/**
 * The edge's roll-outs in broadcast state ({@link RolloutLog}, checkpointed), stamped onto every
 * utterance on its way from the segmenter to the drafter: the drafter subtask that gets the
 * utterance (by call) learns the plan from it. Before the shuffle by call, so that whichever subtask
 * a call lands on has been told; the plan is a roll-out or two, against seconds of audio.
 */
public class RolloutStamp extends BroadcastProcessFunction<Utterance, ModelRollout, Utterance> {
    private static final ModelRollout[] NONE = new ModelRollout[0];
    /** The plan as the state says it, derived again only when the state changes (null: not yet since a start). */
    private transient ModelRollout[] plan;

    @Override
    public void processElement(Utterance u, ReadOnlyContext ctx, Collector<Utterance> out) throws Exception {
        if (plan == null) {
            plan = RolloutLog.plan(ctx.getBroadcastState(RolloutLog.STATE).immutableEntries()).toArray(NONE);
        }
        u.rollouts = plan;
        out.collect(u);
    }

    @Override
    public void processBroadcastElement(ModelRollout r, Context ctx, Collector<Utterance> out) throws Exception {
        if (RolloutLog.concerns(r, ModelSide.EDGE)) {
            RolloutLog.append(ctx.getBroadcastState(RolloutLog.STATE), r);
            plan = null;
        }
    }
}
