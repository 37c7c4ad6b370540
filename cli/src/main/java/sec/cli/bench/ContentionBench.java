package sec.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A workload's latency alone and on a shared node: the same unit of work (a caption drafted, a
 * caption verified) repeated on a quiet machine and beside busy threads the bench starts and stops
 * itself, so that twice as many threads want to run as there are cores (the workload's own
 * counted). Quiet and contended windows alternate, so that a shared machine's own drift (another
 * tenant, a slower minute) falls on both sides of the ratio alike.
 */
public final class ContentionBench {
    private ContentionBench() {}

    /** Per unit of work, in milliseconds. */
    public record Latency(double p50Ms, double p95Ms, int n) {}

    /** Both sides of one measurement. */
    public record Comparison(Latency quiet, Latency contended) {
        public double p95Ratio() {
            return contended.p95Ms() / quiet.p95Ms();
        }
    }

    /** Quiet and contended windows alternate this many times. */
    static final int ROUNDS = 6;
    /** Units measured at least on each side, however long they take, so that a p95 is not just the slowest of a few. */
    static final int MIN_UNITS = 40;

    /**
     * {@code work} for about {@code seconds} on each side (and at least {@link #MIN_UNITS} units),
     * in {@link #ROUNDS} alternating windows, after one warm-up run; the contended windows beside
     * {@code 2 × cores − workloadThreads} busy threads.
     */
    public static Comparison compare(Runnable work, double seconds, int workloadThreads) {
        int hogs = Math.max(1, 2 * Runtime.getRuntime().availableProcessors() - workloadThreads);
        work.run();
        List<Long> quiet = new ArrayList<>();
        List<Long> contended = new ArrayList<>();
        long window = (long) (seconds * 1e9 / ROUNDS);
        for (int round = 0; round < ROUNDS; round++) {
            boolean last = round == ROUNDS - 1; // tops each side up to MIN_UNITS
            measure(work, window, last ? MIN_UNITS - quiet.size() : 0, quiet);
            try (Hogs busy = new Hogs(hogs)) {
                measure(work, window, last ? MIN_UNITS - contended.size() : 0, contended);
            }
        }
        return new Comparison(latency(quiet), latency(contended));
    }

    /** Runs {@code work} for {@code ns} and at least {@code minUnits} times, adding each duration to {@code into}. */
    private static void measure(Runnable work, long ns, int minUnits, List<Long> into) {
        long end = System.nanoTime() + ns;
        int n = 0;
        while (System.nanoTime() < end || n < minUnits) {
            long t0 = System.nanoTime();
            work.run();
            into.add(System.nanoTime() - t0);
            n++;
        }
    }

    private static Latency latency(List<Long> ns) {
        List<Long> sorted = new ArrayList<>(ns);
        sorted.sort(null);
        return new Latency(ms(sorted.get(sorted.size() / 2)), ms(sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1)),
                sorted.size());
    }

    /** Busy threads, stopped and joined on close. */
    private static final class Hogs implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        Hogs(int n) {
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> spin(stop), "cpu-hog-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        @Override
        public void close() {
            stop.set(true);
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
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
