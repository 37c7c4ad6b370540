package sec.inference;

import sec.inference.audio.Prosody;
import sec.inference.audio.ProsodyFeatures;
import sec.inference.audio.SpeakerBaseline;
import sec.inference.audio.SpeechGate;

/**
 * One utterance as the edge models take it: the log-mel, and the prosody front end's analysis
 * (pitch track and utterance statistics; null for a bundle without a prosody front end). The
 * speaker-baseline part of the prosody vector is added when the utterance is encoded, because the
 * baseline is the caller's, kept by whoever keeps the call (the edge job's keyed state).
 */
public record AudioFeatures(float[][] logMel, Prosody prosody) {

    /** Log-mel only, as a bundle without a prosody front end takes it. */
    public static AudioFeatures melOnly(float[][] logMel) {
        return new AudioFeatures(logMel, null);
    }

    /** Whether this is speech at all ({@link SpeechGate}); a log-mel-only bundle cannot tell and says yes. */
    public boolean speech() {
        return prosody == null || SpeechGate.isSpeech(prosody);
    }

    public int frames() {
        return logMel.length;
    }

    /** The model's prosody vector: the utterance's statistics and their deviation from {@code baseline} (null: none). */
    public double[] prosodyVector(SpeakerBaseline.Value baseline) {
        if (prosody == null) {
            throw new IllegalStateException("these features have no prosody (the bundle has no prosody front end)");
        }
        return ProsodyFeatures.withBaseline(prosody.stats(), baseline);
    }
}
