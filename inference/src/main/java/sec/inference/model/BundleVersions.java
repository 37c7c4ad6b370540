package sec.inference.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The model versions one subtask holds while bundles roll out: the stable version every call uses,
 * at most one canary that a share of calls ({@link CanaryShare}) uses, and versions still loading or
 * still in use by work that started on them. A published bundle is checked (every file against its
 * published SHA-256, then loaded, which checks manifest and vocabularies) on a background thread;
 * until it is ready nothing changes, and a rejected one changes nothing at all. A version that is
 * neither stable nor canary is closed once nothing has used it for {@code idleMs}.
 *
 * <p>Called from the operator's thread, except {@link #release}, which work finishing elsewhere may call.
 */
public final class BundleVersions<M extends AutoCloseable> implements AutoCloseable {
    /** A bundle to roll out: what the control topic's record says, without its wire type. */
    public record Rollout(String version, Path location, Map<String, String> files, int canaryPercent) {
        public Rollout {
            if (canaryPercent < 1 || canaryPercent > 100) {
                throw new IllegalArgumentException(version + ": canary share must be 1-100 %, got " + canaryPercent);
            }
            files = Map.copyOf(files);
        }
    }

    public enum Kind { LOADED, REJECTED, PROMOTED, ROLLED_BACK }

    /** One decision about a version, for the status topic; {@code reason} only when rejected. */
    public record Decision(String version, Kind kind, String reason) {}

    private static final class Held<M> {
        final M models;
        int inUse;
        long lastUsedMs;

        Held(M models, long now) {
            this.models = models;
            this.lastUsedMs = now;
        }
    }

    private final Function<Path, M> loader;
    private final LongSupplier clock;
    private final long idleMs;
    private final ExecutorService loading = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bundle-loader");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Held<M>> held = new LinkedHashMap<>();
    /**
     * Roll-outs not yet applied, in publication order, with their loads (already complete, with null,
     * for a version held here): {@link #refresh} applies them in this order.
     */
    private final Map<Rollout, CompletableFuture<M>> pending = new LinkedHashMap<>();
    private final List<Decision> decisions = new ArrayList<>();
    /** Every version that has been stable here: publishing one of them again is a rollback. */
    private final Set<String> stableBefore = new HashSet<>();
    private String stable;
    private String canary;
    private int canaryPercent;

    /** Starts on {@code initial}, already loaded (the job's configured bundle). */
    public BundleVersions(String initialVersion, M initial, Function<Path, M> loader, long idleMs, LongSupplier clock) {
        this.loader = loader;
        this.idleMs = idleMs;
        this.clock = clock;
        held.put(initialVersion, new Held<>(initial, clock.getAsLong()));
        stable = initialVersion;
        stableBefore.add(initialVersion);
    }

    /**
     * A published roll-out, applied by {@link #refresh} after those published before it: at once when
     * its version is held, else once it is checked and loaded in the background.
     */
    public synchronized void offer(Rollout r) {
        for (Rollout p : pending.keySet()) {
            if (p.version().equals(r.version())) {
                // published again while loading (another canary share, say): one load, the latest roll-out
                pending.put(r, pending.remove(p));
                return;
            }
        }
        pending.put(r, held.containsKey(r.version()) ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> check(r), loading));
    }

    private M check(Rollout r) {
        List<String> problems = r.files().isEmpty() ? List.of("the roll-out lists no files")
                : BundleChecksums.problems(r.location(), r.files());
        if (!problems.isEmpty()) {
            throw new ModelException(String.join("; ", problems));
        }
        return loader.apply(r.location());
    }

    /** Waits (up to {@code timeoutMs}) for the loads under way to finish; {@link #refresh} then applies them. */
    public void awaitLoads(long timeoutMs) {
        CompletableFuture<?>[] under;
        synchronized (this) {
            under = pending.values().toArray(CompletableFuture[]::new);
        }
        try {
            CompletableFuture.allOf(under).get(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // a failed load is a rejection, reported by refresh; one still loading stays pending
        }
    }

    /** Takes in finished loads (LOADED or REJECTED, then the roll-out applied); returns what was decided since the last call. */
    public List<Decision> refresh() {
        return refresh(v -> false);
    }

    /** As {@link #refresh()}, keeping idle versions for which {@code stillNeeded} says yes (work held elsewhere uses them). */
    public synchronized List<Decision> refresh(java.util.function.Predicate<String> stillNeeded) {
        var it = pending.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isDone()) {
                break; // roll-outs apply in the order they were published
            }
            it.remove();
            Rollout r = e.getKey();
            try {
                M loaded = e.getValue().join();
                if (loaded != null) {
                    held.put(r.version(), new Held<>(loaded, clock.getAsLong()));
                    decisions.add(new Decision(r.version(), Kind.LOADED, null));
                }
                apply(r);
            } catch (RuntimeException failed) {
                Throwable cause = failed.getCause() != null ? failed.getCause() : failed;
                decisions.add(new Decision(r.version(), Kind.REJECTED, cause.getMessage()));
            }
        }
        evictIdle(stillNeeded);
        List<Decision> out = List.copyOf(decisions);
        decisions.clear();
        return out;
    }

    private void apply(Rollout r) {
        if (r.canaryPercent() >= 100) {
            boolean back = stableBefore.contains(r.version()) && (!r.version().equals(stable) || canary != null);
            stable = r.version();
            canary = null;
            stableBefore.add(r.version());
            decisions.add(new Decision(r.version(), back ? Kind.ROLLED_BACK : Kind.PROMOTED, null));
        } else {
            canary = r.version().equals(stable) ? null : r.version();
            canaryPercent = r.canaryPercent();
        }
    }

    /** The version a new piece of work of this call starts on. */
    public synchronized String versionFor(String callId) {
        return canary != null && CanaryShare.inCanary(callId, canaryPercent) ? canary : stable;
    }

    /** The models of a held version, counted as in use until {@link #release}; null when not held (closed). */
    public synchronized M acquire(String version) {
        Held<M> h = held.get(version);
        if (h == null) {
            return null;
        }
        h.inUse++;
        h.lastUsedMs = clock.getAsLong();
        return h.models;
    }

    public synchronized void release(String version) {
        Held<M> h = held.get(version);
        if (h != null) {
            h.inUse--;
            h.lastUsedMs = clock.getAsLong();
        }
    }

    public synchronized String stable() {
        return stable;
    }

    /** The canary version, or null. */
    public synchronized String canary() {
        return canary;
    }

    /** The models of every held version, without counting them as used (for gauges). */
    public synchronized List<M> models() {
        return held.values().stream().map(h -> h.models).toList();
    }

    /** The versions held (loaded), in the order they were loaded. */
    public synchronized List<String> held() {
        return List.copyOf(held.keySet());
    }

    private void evictIdle(java.util.function.Predicate<String> stillNeeded) {
        long now = clock.getAsLong();
        var it = held.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            Held<M> h = e.getValue();
            String v = e.getKey();
            if (!v.equals(stable) && !v.equals(canary) && h.inUse <= 0 && now - h.lastUsedMs >= idleMs
                    && pending.keySet().stream().noneMatch(p -> p.version().equals(v)) && !stillNeeded.test(v)) {
                it.remove();
                closeQuietly(h.models);
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // a model that fails to close has nothing left to give back
        }
    }

    @Override
    public synchronized void close() {
        loading.shutdownNow();
        pending.values().forEach(f -> f.thenAccept(m -> {
            if (m != null) {
                closeQuietly(m);
            }
        }));
        held.values().forEach(h -> closeQuietly(h.models));
        held.clear();
    }
}
