package sec.inference.decode;

import java.util.ArrayDeque;
import java.util.OptionalDouble;

/**
 * The token counts of the captions finished in the last {@code windowMs}: ρ (tokens sent to the cloud
 * over tokens drafted) and the acceptance rate (accepted over sent), as the edge's gauges and the
 * supervisor page show them. One entry per caption of the window; thread-safe.
 */
public final class TokenShareWindow {
    private record Done(long atMs, int drafted, int sent, int accepted) {}

    private final long windowMs;
    private final ArrayDeque<Done> window = new ArrayDeque<>();

    public TokenShareWindow(long windowMs) {
        if (windowMs <= 0) {
            throw new IllegalArgumentException("window must be positive, got " + windowMs + " ms");
        }
        this.windowMs = windowMs;
    }

    public synchronized void add(long atMs, int drafted, int sent, int accepted) {
        window.addLast(new Done(atMs, drafted, sent, accepted));
        prune(atMs);
    }

    /** sent / drafted over the window; empty when nothing was drafted in it. */
    public synchronized OptionalDouble rho(long nowMs) {
        long[] t = totals(nowMs);
        return t[0] == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) t[1] / t[0]);
    }

    /** accepted / sent over the window; empty when nothing was sent in it. */
    public synchronized OptionalDouble acceptance(long nowMs) {
        long[] t = totals(nowMs);
        return t[1] == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) t[2] / t[1]);
    }

    /** {drafted, sent, accepted} over the window. */
    private long[] totals(long nowMs) {
        prune(nowMs);
        long[] t = new long[3];
        for (Done d : window) {
            t[0] += d.drafted();
            t[1] += d.sent();
            t[2] += d.accepted();
        }
        return t;
    }

    /** Captions in the window. */
    public synchronized int size(long nowMs) {
        prune(nowMs);
        return window.size();
    }

    private void prune(long nowMs) {
        while (!window.isEmpty() && window.peekFirst().atMs() < nowMs - windowMs) {
            window.removeFirst();
        }
    }
}
