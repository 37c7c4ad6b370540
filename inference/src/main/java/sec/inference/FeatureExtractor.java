package sec.inference;

import sec.inference.audio.InvalidAudioException;
import sec.inference.audio.LogMel;
import sec.inference.audio.MelSettings;
import sec.inference.audio.PcmAudio;
import sec.inference.audio.ProsodyFeatures;
import sec.inference.audio.ProsodySettings;
import sec.inference.audio.Resampler;
import sec.inference.model.ModelManifest;

/**
 * Audio to model input: one channel, resampled to the model rate, checked against the model's
 * limits (at least one frame, at most max_seconds), then log-mel and (when the bundle has one) the
 * prosody front end, exactly as the recipe computes them.
 */
public final class FeatureExtractor {
    private final MelSettings settings;
    private final LogMel logMel;
    private final ProsodyFeatures prosody;

    /** {@code prosody} null: log-mel only (a bundle without a prosody front end). */
    public FeatureExtractor(MelSettings settings, ProsodySettings prosody) {
        this.settings = settings;
        this.logMel = new LogMel(settings);
        this.prosody = prosody == null ? null : new ProsodyFeatures(prosody);
    }

    /**
     * What the bundle's models take. A bundle without a prosody front end still gets the recipe's
     * prosody analysis: the speech gate ({@link AudioFeatures#speech()}) needs it whatever the models take.
     */
    public static FeatureExtractor of(ModelManifest manifest) {
        return new FeatureExtractor(manifest.mel(), manifest.prosody().orElse(ProsodySettings.recipeDefaults()));
    }

    public MelSettings settings() {
        return settings;
    }

    /** Features of one channel of a decoded file; {@code source} names it in errors. */
    public AudioFeatures features(PcmAudio audio, int channel, String source) {
        if (channel < 0 || channel >= audio.channelCount()) {
            throw new InvalidAudioException(source + ": has " + audio.channelCount()
                    + " channel(s), channel " + channel + " requested");
        }
        return features(audio.channel(channel), audio.sampleRate(), source);
    }

    /** Features of samples at any rate. */
    public AudioFeatures features(float[] samples, int sampleRate, String source) {
        if (samples.length == 0) {
            throw new InvalidAudioException(source + ": no audio samples");
        }
        if (sampleRate < 4000) {
            throw new InvalidAudioException(source + ": sample rate " + sampleRate
                    + " Hz is below the telephone band; the model needs " + settings.sampleRate() + " Hz");
        }
        float[] x = Resampler.resample(samples, sampleRate, settings.sampleRate());
        double seconds = (double) x.length / settings.sampleRate();
        if (seconds > settings.maxSeconds() + 1e-9) {
            throw new InvalidAudioException(String.format(java.util.Locale.ROOT,
                    "%s: %.1f s is longer than the model's %.0f s utterance limit; segment it first",
                    source, seconds, settings.maxSeconds()));
        }
        if (x.length < settings.nFft()) {
            throw new InvalidAudioException(source + ": " + x.length + " samples at "
                    + settings.sampleRate() + " Hz is shorter than one analysis frame (" + settings.nFft() + ")");
        }
        return new AudioFeatures(logMel.compute(x), prosody == null ? null : prosody.analyse(x));
    }
}
