package sec.operators;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import sec.inference.model.BundleVersions;
import sec.schemas.ModelRollout;
import sec.schemas.ModelSide;
import sec.schemas.RolloutDecision;
import sec.schemas.RolloutStatus;

/**
 * The roll-outs of one side as a job keeps them in broadcast state (by publication order, the last
 * {@link #KEPT}), what of them decides the versions now (the plan: the last roll-out to all calls and
 * the canaries after it), and the translations between the wire records and {@link BundleVersions}.
 */
final class RolloutLog {
    static final MapStateDescriptor<Long, ModelRollout> STATE =
            new MapStateDescriptor<>("model-rollouts", Types.LONG, TypeInformation.of(ModelRollout.class));
    static final int KEPT = 8;

    private RolloutLog() {}

    static boolean concerns(ModelRollout r, ModelSide side) {
        return r.getSide() == side || r.getSide() == ModelSide.BOTH;
    }

    static void append(BroadcastState<Long, ModelRollout> state, ModelRollout r) throws Exception {
        List<Long> keys = new ArrayList<>();
        state.entries().forEach(e -> keys.add(e.getKey()));
        keys.sort(null);
        state.put(keys.isEmpty() ? 0 : keys.get(keys.size() - 1) + 1, r);
        for (int i = 0; i < keys.size() + 1 - KEPT; i++) {
            state.remove(keys.get(i));
        }
    }

    /** From the last roll-out to all calls on, in publication order: what the versions follow from. */
    static List<ModelRollout> plan(Iterable<Map.Entry<Long, ModelRollout>> entries) {
        List<Map.Entry<Long, ModelRollout>> kept = new ArrayList<>();
        entries.forEach(kept::add);
        kept.sort(Map.Entry.comparingByKey());
        int from = 0;
        for (int i = 0; i < kept.size(); i++) {
            if (kept.get(i).getValue().getCanaryPercent() >= 100) {
                from = i;
            }
        }
        return kept.subList(from, kept.size()).stream().map(Map.Entry::getValue).toList();
    }

    /** Roll-outs in publication order without repeats (union state after a rescale holds each once per subtask). */
    static List<ModelRollout> distinct(Iterable<ModelRollout> all) {
        List<ModelRollout> out = new ArrayList<>();
        for (ModelRollout r : all) {
            if (out.stream().noneMatch(o -> o.equals(r))) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparingLong(ModelRollout::getPublishedAtMs));
        return out;
    }

    static BundleVersions.Rollout toVersions(ModelRollout r) {
        return new BundleVersions.Rollout(r.getVersion(), Path.of(r.getLocation()), r.getFiles(), r.getCanaryPercent());
    }

    static RolloutStatus status(BundleVersions.Decision d, ModelSide side, String job, int subtask, long now) {
        return RolloutStatus.newBuilder().setVersion(d.version()).setSide(side)
                .setDecision(RolloutDecision.valueOf(d.kind().name())).setReason(d.reason()).setJob(job)
                .setSubtask(subtask).setAtMs(now).build();
    }
}
