package sec.inference.audio;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The log-mel front end's constants, as recorded in the bundled manifest's "audio" section. Only the
 * variant the recipe uses is implemented (periodic Hann, no centering, HTK mel, unnormalised
 * filters, power spectrum, natural log); any other value is rejected up front with the key and value
 * named, because a model fed subtly different features fails silently rather than loudly.
 */
public record MelSettings(
        int sampleRate,
        int nFft,
        int winLength,
        int hopLength,
        String window,
        boolean center,
        int nMels,
        double fMin,
        double fMax,
        String melScale,
        String melNorm,
        double power,
        String log,
        double logFloor,
        double maxSeconds) {

    public static final String HANN_PERIODIC = "hann_periodic";
    public static final String HTK = "htk";
    public static final String NATURAL = "natural";

    public MelSettings {
        require(sampleRate > 0, "sample_rate", sampleRate);
        require(nFft >= 4 && Integer.bitCount(nFft) == 1, "n_fft", nFft + " (must be a power of two >= 4)");
        require(winLength == nFft, "win_length", winLength + " (only win_length == n_fft is supported)");
        require(hopLength > 0, "hop_length", hopLength);
        require(HANN_PERIODIC.equals(window), "window", quoted(window) + " (only " + HANN_PERIODIC + ")");
        require(!center, "center", "true (only false: frames start at sample 0)");
        require(nMels > 0 && nMels <= nFft / 2 + 1, "n_mels", nMels);
        require(fMin >= 0 && fMin < fMax, "f_min", fMin + " (must be >= 0 and below f_max " + fMax + ")");
        require(fMax <= sampleRate / 2.0, "f_max", fMax + " (above Nyquist " + sampleRate / 2.0 + ")");
        require(HTK.equals(melScale), "mel_scale", quoted(melScale) + " (only " + HTK + ")");
        require(melNorm == null, "mel_norm", quoted(melNorm) + " (only null: unnormalised filters)");
        require(power == 2.0, "power", power + " (only 2.0: power spectrum)");
        require(NATURAL.equals(log), "log", quoted(log) + " (only " + NATURAL + ")");
        require(logFloor > 0 && Double.isFinite(logFloor), "log_floor", logFloor);
        require(maxSeconds > 0 && Double.isFinite(maxSeconds), "max_seconds", maxSeconds);
    }

    /** The constants of models/recipe/audio.py (and of export.py's manifest). */
    public static MelSettings recipeDefaults() {
        return new MelSettings(8000, 256, 256, 80, HANN_PERIODIC, false, 40, 60.0, 3800.0,
                HTK, null, 2.0, NATURAL, 1e-6, 12.0);
    }

    /** Reads the manifest's "audio" object. Every key must be present ({@code mel_norm} as null). */
    public static MelSettings fromJson(JsonNode audio) {
        ManifestSection in = new ManifestSection(audio, "audio");
        String melNorm;
        JsonNode norm = in.field("mel_norm");
        if (norm.isNull()) {
            melNorm = null;
        } else if (norm.isTextual()) {
            melNorm = norm.asText();
        } else {
            throw in.wrong("mel_norm", "null or a string", norm);
        }
        return new MelSettings(
                in.integer("sample_rate"),
                in.integer("n_fft"),
                in.integer("win_length"),
                in.integer("hop_length"),
                in.text("window"),
                in.bool("center"),
                in.integer("n_mels"),
                in.number("f_min"),
                in.number("f_max"),
                in.text("mel_scale"),
                melNorm,
                in.number("power"),
                in.text("log"),
                in.number("log_floor"),
                in.number("max_seconds"));
    }

    /** Samples in {@code max_seconds} at the model's rate: the longest utterance the models take. */
    public int maxSamples() {
        return (int) Math.round(maxSeconds * sampleRate);
    }

    /** Frames for {@code n} samples: 1 + (n - n_fft) / hop, or 0 below one frame (no padding). */
    public int frameCount(int n) {
        return n < nFft ? 0 : 1 + (n - nFft) / hopLength;
    }

    private static String quoted(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }

    private static void require(boolean ok, String key, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("unsupported audio." + key + ": " + value);
        }
    }
}
