package sec.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Heap in use right after a full GC, sampled every few seconds while a run goes on: the figure that
 * shows whether per-call state is released (flat) or kept (growing) over a long run. The demo runs
 * Kafka, both jobs and the reader in this JVM, so this is the whole embedded pipeline.
 */
final class HeapWatch implements AutoCloseable {
    private final List<Long> samplesMb = new ArrayList<>();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final long beforeMb;
    private long afterMb = -1;
    private final Thread thread;

    /** Takes the first sample now (before the calls), then one every {@code everyMs}. */
    HeapWatch(long everyMs) {
        beforeMb = sample();
        thread = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(everyMs);
                    long used = sample();
                    synchronized (samplesMb) {
                        samplesMb.add(used);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "heap-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private long sample() {
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed() >> 20;
    }

    /** The sample after the run: everything done, every call forgotten. */
    void last() {
        afterMb = sample();
    }

    long beforeMb() {
        return beforeMb;
    }

    long afterMb() {
        return afterMb;
    }

    List<Long> samplesMb() {
        synchronized (samplesMb) {
            return List.copyOf(samplesMb);
        }
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(5_000);
    }
}
