package sec.inference.decode.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import sec.inference.decode.Decision;

/**
 * One queue in front of the verifier: a worker thread takes the first waiting request, gathers up
 * to {@code maxBatch} within {@code maxWaitMs} of it, scores them in one forward pass and completes
 * each caller's future. Requests of many calls share a batch. The queue is bounded: a full queue
 * fails the request at once (the edge's deadline turns that into an unverified block).
 */
public final class BatchingVerifier implements AutoCloseable {
    private record Pending(VerificationService.Task task, CompletableFuture<Decision> result) {}

    private final VerificationService service;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final BlockingQueue<Pending> queue;
    private final Thread worker;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    /** Submitted and not yet answered: waiting for a batch or in its forward pass. */
    private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();
    /** The most requests held at once since {@link #peakQueueDepth()} was last read. */
    private final java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean running = true;
    private volatile java.util.function.IntConsumer onBatch = size -> { };

    public BatchingVerifier(VerificationService service, int maxBatch, long maxWaitMs, int capacity) {
        if (maxBatch < 1 || maxWaitMs < 0 || capacity < maxBatch) {
            throw new IllegalArgumentException("batching needs maxBatch >= 1, maxWaitMs >= 0, capacity >= maxBatch");
        }
        this.service = service;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.worker = new Thread(this::loop, "batching-verifier");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    public CompletableFuture<Decision> submit(VerificationService.Task task) {
        CompletableFuture<Decision> f = new CompletableFuture<>();
        if (!running) {
            f.completeExceptionally(new IllegalStateException("verifier closed"));
        } else {
            int now = held.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            if (!queue.offer(new Pending(task, f))) {
                held.decrementAndGet();
                f.completeExceptionally(new IllegalStateException("verifier queue full (" + queue.size() + ")"));
            } else {
                f.whenComplete((d, e) -> held.decrementAndGet());
            }
        }
        return f;
    }

    /** Forward passes run so far. */
    public long batches() {
        return batches.get();
    }

    /** Requests scored so far; requests() / batches() is the mean batch size. */
    public long requests() {
        return requests.get();
    }

    /** Told the size of every batch scored (metrics). */
    public void onBatch(java.util.function.IntConsumer listener) {
        this.onBatch = listener;
    }

    /**
     * Requests the verifier holds: waiting for a batch or being scored (the batch in the forward pass
     * counts; it is the work a new request queues behind).
     */
    public int queueDepth() {
        return held.get();
    }

    /**
     * The most requests held at once since the last call (then starts over from what is held now):
     * what a metrics reporter samples every few seconds, so a burst between two samples still shows.
     */
    public int peakQueueDepth() {
        return peak.getAndSet(held.get());
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long until = System.nanoTime() + maxWaitNanos;
                while (batch.size() < maxBatch) {
                    long left = until - System.nanoTime();
                    Pending next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        failAll(new IllegalStateException("verifier closed"));
    }

    private void run(List<Pending> batch) {
        try {
            List<VerificationService.Task> tasks = new ArrayList<>(batch.size());
            batch.forEach(p -> tasks.add(p.task()));
            List<Decision> decisions = service.verify(tasks);
            batches.incrementAndGet();
            requests.addAndGet(batch.size());
            onBatch.accept(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(decisions.get(i));
            }
        } catch (RuntimeException e) {
            batch.forEach(p -> p.result().completeExceptionally(e));
        }
    }

    private void failAll(Exception e) {
        Pending p;
        while ((p = queue.poll()) != null) {
            p.result().completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
        try {
            worker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failAll(new IllegalStateException("verifier closed"));
    }
}
