package sec.operators;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import sec.schemas.ModelRollout;

/**
 * The roll-outs one subtask was told of, in order (the last {@link RolloutLog#KEPT}), kept in union
 * list state: after a restore or a rescale every subtask gets them all back (each once), so it can
 * load them before it serves anything restored with it.
 */
final class KnownRollouts {
    private final ListState<ModelRollout> state;
    private final List<ModelRollout> known;

    private KnownRollouts(ListState<ModelRollout> state, List<ModelRollout> known) {
        this.state = state;
        this.known = known;
    }

    /** The roll-outs restored under {@code name} (none on a fresh start). */
    static KnownRollouts restore(OperatorStateStore store, String name) throws Exception {
        ListState<ModelRollout> state = store.getUnionListState(
                new ListStateDescriptor<>(name, TypeInformation.of(ModelRollout.class)));
        return new KnownRollouts(state, new ArrayList<>(RolloutLog.distinct(state.get())));
    }

    /** Adds {@code r} unless it is known, dropping the oldest beyond {@link RolloutLog#KEPT}; whether it was new. */
    boolean remember(ModelRollout r) {
        if (known.contains(r)) {
            return false;
        }
        known.add(r);
        if (known.size() > RolloutLog.KEPT) {
            known.remove(0);
        }
        return true;
    }

    /** In the order they were told. */
    List<ModelRollout> all() {
        return Collections.unmodifiableList(known);
    }

    void snapshot() throws Exception {
        state.update(known);
    }
}
