package sec.inference.audio;

/**
 * Speech or not, from an utterance's prosody statistics ({@code is_speech} in models/recipe/prosody.py):
 * voiced, at least 0.2 s over the speech gate, syllables, and intonation. Silence, steady tones and
 * stationary noise have no frame over the gate; beeps have no syllables; a modulated tone has no
 * intonation. Every recording of the training corpus passes but 12 of 12,000 (two Mandarin male
 * voices whose pitch sits under the tracker's 70 Hz). Non-speech gets no caption: an emotion read
 * off noise is worse than none.
 */
public final class SpeechGate {
    static final double MIN_SECONDS = 0.2;
    static final double MIN_SYLLABLE_RATE = 1.0;
    static final double MIN_F0_DELTA = 0.02;
    static final double MIN_F0_SPREAD = 0.15;

    private static final int VOICED = ProsodyFeatures.NAMES.indexOf("voiced");
    private static final int SPEECH_S = ProsodyFeatures.NAMES.indexOf("speech_s");
    private static final int SYLLABLE_RATE = ProsodyFeatures.NAMES.indexOf("syllable_rate");
    private static final int F0_DELTA = ProsodyFeatures.NAMES.indexOf("f0_delta");
    private static final int F0_SPREAD = ProsodyFeatures.NAMES.indexOf("f0_spread");

    private SpeechGate() {
    }

    public static boolean isSpeech(Prosody p) {
        double[] s = p.stats();
        return s[VOICED] > 0 && s[SPEECH_S] >= MIN_SECONDS && s[SYLLABLE_RATE] >= MIN_SYLLABLE_RATE
                && s[F0_DELTA] >= MIN_F0_DELTA && s[F0_SPREAD] >= MIN_F0_SPREAD;
    }
}
