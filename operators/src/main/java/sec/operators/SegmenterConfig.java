package sec.operators;

import java.io.Serializable;

/**
 * Settings of the {@link UtteranceSegmenter}: model rate and length limit, reordering, call timeout,
 * and the limits on what a frame may carry (payload bytes, call id characters).
 */
public record SegmenterConfig(
        int modelSampleRate,
        double maxUtteranceSeconds,
        int reorderWindowFrames,
        long inactivityTimeoutMs,
        int maxPayloadBytes,
        int maxCallIdChars,
        String defaultLanguage,
        String framesTopic) implements Serializable {

    public SegmenterConfig {
        if (reorderWindowFrames < 1 || inactivityTimeoutMs <= 0 || maxPayloadBytes <= 0 || maxCallIdChars <= 0) {
            throw new IllegalArgumentException("segmenter settings out of range: " + this);
        }
    }

    public static SegmenterConfig defaults() {
        return new SegmenterConfig(8000, 12.0, 16, 30_000, 64 * 1024, 256, "en", "sec.audio.frames");
    }
}
