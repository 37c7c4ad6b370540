package sec.inference.audio;

/**
 * Energy endpointing per channel. Speech is a 20 ms frame whose level passes both the absolute
 * threshold and the tracked noise floor plus a margin; an utterance opens after {@code minSpeechMs}
 * of speech (keeping {@code preRollMs} before it), closes after {@code hangoverMs} of silence (keeping
 * {@code tailMs} of it), is cut
 * at {@code maxUtteranceMs} (the model's limit) and dropped when shorter than {@code minUtteranceMs}.
 */
public record EndpointerSettings(
        int sampleRate,
        int frameMs,
        double thresholdDb,
        double noiseMarginDb,
        int minSpeechMs,
        int hangoverMs,
        int tailMs,
        int preRollMs,
        int minUtteranceMs,
        int maxUtteranceMs) {

    public EndpointerSettings {
        if (sampleRate <= 0 || frameMs <= 0 || hangoverMs < frameMs || tailMs > hangoverMs
                || maxUtteranceMs <= minUtteranceMs) {
            throw new IllegalArgumentException("inconsistent endpointer settings: " + this);
        }
    }

    /**
     * Telephone speech at 8 kHz with the model's 12 s limit. Utterances start 40 ms before the
     * speech and keep 600 ms of the silence after it, as the bundled models' training audio
     * (espeak-ng) does: those models are sensitive to where the speech sits in the window (with
     * 400 ms of lead-in they hear nearly every utterance as slow, quiet and calm).
     */
    public static EndpointerSettings defaults(int sampleRate, double maxSeconds) {
        return new EndpointerSettings(sampleRate, 20, -45.0, 12.0, 60, 800, 600, 40, 300, (int) (maxSeconds * 1000));
    }

    int frameSamples() {
        return sampleRate * frameMs / 1000;
    }

    int ms(int samples) {
        return (int) (samples * 1000L / sampleRate);
    }
}
