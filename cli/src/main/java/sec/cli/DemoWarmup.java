package sec.cli;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sec.schemas.AudioFrame;

/**
 * A wave of calls streamed before the measured ones, through the same broker and jobs, whose
 * captions are read but not counted: a TaskManager that has run for days has compiled its Kafka,
 * Flink and model paths, a fresh MiniCluster has not, and the JIT then takes a quarter of the two
 * cores during the measured calls. The measured calls start once every warm-up caption is in.
 */
final class DemoWarmup {
    static final String PREFIX = "warmup-";

    private final List<List<AudioFrame>> streams;
    private final int expected;
    private final CountDownLatch done;
    private int captions;

    DemoWarmup(List<List<AudioFrame>> streams, int expected) {
        this.streams = streams;
        this.expected = expected;
        this.done = new CountDownLatch(streams.isEmpty() ? 0 : 1);
    }

    static DemoWarmup none() {
        return new DemoWarmup(List.of(), 0);
    }

    List<List<AudioFrame>> streams() {
        return streams;
    }

    /** Whether a record keyed by this call id (captions, alerts, requests, verdicts are) belongs to the warm-up. */
    static boolean isWarmup(byte[] key) {
        return key != null && new String(key, java.nio.charset.StandardCharsets.UTF_8).startsWith(PREFIX);
    }

    /** A warm-up caption arrived (duplicates are not expected here: the reader is read_committed). */
    void caption() {
        if (++captions >= expected) {
            done.countDown();
        }
    }

    /** Waits for the last warm-up caption; false if the limit passed first. */
    boolean await(long timeoutMs) throws InterruptedException {
        return done.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    int expected() {
        return expected;
    }
}
