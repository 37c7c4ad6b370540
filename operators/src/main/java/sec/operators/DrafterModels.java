package sec.operators;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import sec.inference.EdgeModels;
import sec.inference.ModelWarmup;
import sec.inference.decode.SpeculationConfig;
import sec.inference.model.BundleVersions;
import sec.inference.model.ModelException;

/**
 * The drafter versions one edge subtask holds ({@link BundleVersions} of {@link EdgeModels}): a
 * new utterance starts on its call's version, an open one keeps the version it started on (its
 * encoder output and KV cache belong to that model), and a version is closed only when it is
 * neither stable nor canary, unused for {@link #UNUSED_VERSION_MS} and no open utterance needs it.
 */
final class DrafterModels implements AutoCloseable {
    static final long UNUSED_VERSION_MS = 300_000;

    private final BundleVersions<EdgeModels> versions;
    private final String initial;
    private final Map<String, DrafterRecords> records = new HashMap<>();

    /**
     * Every version's drafter on {@code threads} ONNX Runtime threads, spinning or not, each warmed up
     * ({@link ModelWarmup#edge}) before it drafts a real call.
     */
    DrafterModels(Path configured, int threads, boolean spinning, SpeculationConfig speculation,
            java.util.function.LongSupplier clock) {
        EdgeModels first = warm(EdgeModels.load(configured, threads, spinning), speculation);
        initial = first.manifest().name();
        versions = new BundleVersions<>(initial, first, dir -> warm(EdgeModels.load(dir, threads, spinning), speculation),
                UNUSED_VERSION_MS, clock);
    }

    private static EdgeModels warm(EdgeModels m, SpeculationConfig speculation) {
        try {
            ModelWarmup.edge(m, speculation);
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** The version a new utterance of this call starts on. */
    String startVersion(String callId) {
        return versions.versionFor(callId);
    }

    /** The version an utterance names (null, in state from before roll-outs: the configured bundle). */
    String resolve(String version) {
        return version == null ? initial : version;
    }

    /** The models of a version ({@link #resolve}d). */
    EdgeModels of(String version) {
        String v = resolve(version);
        EdgeModels m = versions.acquire(v);
        if (m == null) {
            throw new ModelException("drafter version " + v + " is not loaded here (an open utterance needs it)");
        }
        versions.release(v);
        return m;
    }

    DrafterRecords records(String version) {
        EdgeModels m = of(version);
        return records.computeIfAbsent(resolve(version), v -> new DrafterRecords(m, v));
    }

    void offer(BundleVersions.Rollout r) {
        versions.offer(r);
    }

    void awaitLoads(long timeoutMs) {
        versions.awaitLoads(timeoutMs);
    }

    /** Applies finished loads; closes idle versions no open utterance needs ({@code inUse}). */
    List<BundleVersions.Decision> refresh(Predicate<String> inUse) {
        List<BundleVersions.Decision> out = versions.refresh(inUse);
        records.keySet().retainAll(versions.held());
        return out;
    }

    List<String> held() {
        return versions.held();
    }

    @Override
    public void close() {
        versions.close();
    }
}
