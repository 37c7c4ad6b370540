package sec.operators;

/**
 * When a call that sends no frames is closed, measured on the input's own clock: the newest frame
 * time (the Kafka record timestamp, the telephony side's send time) a segmenter subtask has seen.
 * A call is inactive once the input has moved on by the timeout past the call's last frame, so
 * when the whole input stalls (a broker outage, a job restored after minutes down) no clock moves
 * and no open utterance is cut in two; a drill found 40 s of broker outage splitting the utterance
 * each call was in. Should the input stay silent altogether (every call abandoned at once), a call
 * closes anyway {@value #STALL_LIMIT_FACTOR} timeouts after its last frame (or after the subtask
 * started, if later) by the wall clock.
 * Heap only: after a restore the clock is unknown until frames arrive, and nothing closes before.
 */
final class CallInactivity {
    static final int STALL_LIMIT_FACTOR = 10;
    private static final long UNKNOWN = Long.MIN_VALUE;
    private final long timeoutMs;
    private final long startedAtMs;
    private long inputClock = UNKNOWN;

    /** {@code startedAtMs}: when this subtask (re)started, in processing time; the stall limit counts from it at the earliest. */
    CallInactivity(long timeoutMs, long startedAtMs) {
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("the inactivity timeout must be positive, got " + timeoutMs);
        }
        this.timeoutMs = timeoutMs;
        this.startedAtMs = startedAtMs;
    }

    long timeoutMs() {
        return timeoutMs;
    }

    /** A frame stamped {@code frameTime} arrived (any call of this subtask). */
    void heard(long frameTime) {
        inputClock = Math.max(inputClock, frameTime);
    }

    /**
     * Looked at {@code nowMs} (processing time) for a call whose last frame was stamped
     * {@code lastFrameTime} and arrived at {@code lastArrivalMs} (processing time): 0 to close it now,
     * else the milliseconds until the next look.
     */
    long nextLookMs(long lastFrameTime, long lastArrivalMs, long nowMs) {
        // time the job was down does not count: after a restore the held-back frames come first
        if (nowMs - Math.max(lastArrivalMs, startedAtMs) >= timeoutMs * STALL_LIMIT_FACTOR) {
            return 0;
        }
        if (inputClock == UNKNOWN) {
            return timeoutMs; // nothing heard since a (re)start: the input has not shown it moved on
        }
        long silent = inputClock - lastFrameTime;
        // not less than a tenth of the timeout, so a stalled input is looked at now and then, not in a loop
        return silent >= timeoutMs ? 0 : Math.max(timeoutMs - silent, timeoutMs / 10);
    }
}
