package sec.operators;

import java.io.Serializable;

/**
 * Settings of the {@link UtteranceSegmenter}: model rate and length limit, reordering, call timeout,
 * the limits on what a frame may carry (payload bytes, call id characters), and how many calls one
 * subtask holds at once (a call that would pass it is refused whole, its frames dead-lettered).
 */
public record SegmenterConfig(
        int modelSampleRate,
        double maxUtteranceSeconds,
        int reorderWindowFrames,
        long inactivityTimeoutMs,
        int maxPayloadBytes,
        int maxCallIdChars,
        int maxCallsPerSubtask,
        String defaultLanguage,
        String framesTopic) implements Serializable {

    public SegmenterConfig {
        if (reorderWindowFrames < 1 || inactivityTimeoutMs <= 0 || maxPayloadBytes <= 0 || maxCallIdChars <= 0
                || maxCallsPerSubtask <= 0) {
            throw new IllegalArgumentException("segmenter settings out of range: " + this);
        }
    }

    public static SegmenterConfig defaults() {
        return new SegmenterConfig(8000, 12.0, 16, 30_000, 64 * 1024, 256, 1000, "en", "sec.audio.frames");
    }
}
