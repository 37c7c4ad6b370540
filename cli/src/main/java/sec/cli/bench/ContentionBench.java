package sec.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A workload's latency alone and on a shared node: the same unit of work (a caption drafted, a block
 * verified) repeated, first on a quiet machine, then beside busy threads the bench starts and stops
 * itself, so that twice as many threads want to run as there are cores (the workload's own counted).
 */
public final class ContentionBench {
    private ContentionBench() {}

    /** Per unit of work, in milliseconds. */
    public record Latency(double p50Ms, double p95Ms, int n) {}

    /** {@code work} repeated for {@code seconds} (after one warm-up run). */
    public static Latency quiet(Runnable work, double seconds) {
        work.run();
        List<Long> ns = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            work.run();
            ns.add(System.nanoTime() - t0);
        }
        ns.sort(null);
        return new Latency(ms(ns.get(ns.size() / 2)), ms(ns.get((int) Math.ceil(ns.size() * 0.95) - 1)), ns.size());
    }

    /** As {@link #quiet}, beside {@code 2 × cores − workloadThreads} busy threads. */
    public static Latency contended(Runnable work, double seconds, int workloadThreads) {
        int hogs = Math.max(1, 2 * Runtime.getRuntime().availableProcessors() - workloadThreads);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < hogs; i++) {
            Thread t = new Thread(() -> spin(stop), "cpu-hog-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        try {
            return quiet(work, seconds);
        } finally {
            stop.set(true);
            threads.forEach(t -> {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    /** Where the busy threads leave their result, so the JIT cannot drop their loops. */
    private static volatile double sink;

    /** Busy arithmetic until told to stop. */
    private static void spin(AtomicBoolean stop) {
        double x = 1;
        while (!stop.get()) {
            for (int i = 0; i < 100_000; i++) {
                x = x * 1.000001 + 1e-9;
            }
        }
        sink = x;
    }

    private static double ms(long ns) {
        return Math.round(ns / 1e5) / 10.0;
    }
}
