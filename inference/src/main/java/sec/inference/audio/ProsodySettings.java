package sec.inference.audio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The prosody front end's constants, as recorded in the bundled manifest's "prosody" section (every
 * constant of models/recipe/prosody.py; lengths in samples or 10 ms frames, levels in dB), and
 * {@code vector}, the names of the prosody values the bundle's models take, in their order. The
 * front end computes every value it knows ({@link ProsodyFeatures#NAMES}) and {@link #select} hands
 * a model the ones its manifest names, so a bundle trained before a value was added (the pair before
 * the caller's pitch spread took 19) still runs and can be rolled back to; a name this front end does
 * not compute is rejected up front, as a model would otherwise read the wrong entries without failing.
 * {@code sampleRate} and {@code melNFft} come from the "audio" section: the pitch track has one row
 * per log-mel frame (the log-mel hop is the prosody hop).
 */
public record ProsodySettings(
        int sampleRate,
        int hop,
        int window,
        int tauMin,
        int tauMax,
        double voicedMax,
        double octaveReach,
        double energyFloorDb,
        double activeBelowPeakDb,
        double noiseMarginDb,
        int pauseMinFrames,
        int nucleusHalf,
        int nucleusReach,
        double nucleusDipDb,
        int minVoiced,
        double f0RefHz,
        double pitchTrackScale,
        int melNFft,
        List<String> vector) {

    public ProsodySettings {
        require(sampleRate > 0, "sample_rate", sampleRate);
        require(hop > 0, "hop", hop);
        require(window > 0, "window", window);
        // refine() reads the lags either side of a minimum, which lies strictly inside (tau_min, tau_max)
        require(tauMin >= 1 && tauMin + 1 < tauMax, "tau_min", tauMin + " (tau_max " + tauMax + ")");
        require(voicedMax > 0 && voicedMax <= 1, "voiced_max", voicedMax);
        require(octaveReach > 0 && Double.isFinite(octaveReach), "octave_reach", octaveReach);
        require(Double.isFinite(energyFloorDb), "energy_floor_db", energyFloorDb);
        require(activeBelowPeakDb >= 0 && Double.isFinite(activeBelowPeakDb), "active_below_peak_db",
                activeBelowPeakDb);
        require(noiseMarginDb >= 0 && Double.isFinite(noiseMarginDb), "noise_margin_db", noiseMarginDb);
        require(pauseMinFrames >= 1, "pause_min_frames", pauseMinFrames);
        require(nucleusHalf >= 0, "nucleus_half", nucleusHalf);
        require(nucleusReach >= 0, "nucleus_reach", nucleusReach);
        require(Double.isFinite(nucleusDipDb), "nucleus_dip_db", nucleusDipDb);
        require(minVoiced >= 1, "min_voiced", minVoiced);
        require(f0RefHz > 0 && Double.isFinite(f0RefHz), "f0_ref_hz", f0RefHz);
        require(pitchTrackScale > 0 && Double.isFinite(pitchTrackScale), "pitch_track_scale", pitchTrackScale);
        require(melNFft > 0, "n_fft", melNFft);
        vector = List.copyOf(vector);
        for (String name : vector) {
            if (!ProsodyFeatures.NAMES.contains(name)) {
                throw new IllegalArgumentException("prosody.vector names '" + name + "', which this front end does not compute "
                        + ProsodyFeatures.NAMES);
            }
        }
        if (new java.util.HashSet<>(vector).size() != vector.size()) {
            throw new IllegalArgumentException("prosody.vector names a value twice: " + vector);
        }
    }

    /** The values of {@code full} (every value {@link ProsodyFeatures} computes, in its order) this bundle's models take, in theirs. */
    public double[] select(double[] full) {
        if (full.length != ProsodyFeatures.DIM) {
            throw new IllegalArgumentException("need the front end's " + ProsodyFeatures.DIM + " prosody values, got " + full.length);
        }
        double[] out = new double[vector.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = full[ProsodyFeatures.NAMES.indexOf(vector.get(i))];
        }
        return out;
    }

    /** The constants of models/recipe/prosody.py, with audio.py's 8 kHz and n_fft 256. */
    public static ProsodySettings recipeDefaults() {
        return new ProsodySettings(8000, 80, 200, 16, 114, 0.35, 0.9, -60.0, 25.0, 8.0, 8, 4, 15, 3.0, 10,
                100.0, 6.0, 256, ProsodyFeatures.NAMES);
    }

    /**
     * Reads the manifest's "prosody" object (export.py's {@code prosody_manifest}); {@code sampleRate}
     * and {@code nFft} are the "audio" section's. Every constant must be present and numeric;
     * {@code vector} must name values this front end computes, {@code dim} be its length and
     * {@code utterance_dim} the number of them computed from the utterance alone; {@code baseline_from}
     * (absent: pitch and level) must be stats {@link SpeakerBaseline} keeps, and hold the stat of every
     * "…_vs_baseline" value the vector names.
     */
    public static ProsodySettings fromJson(JsonNode prosody, int sampleRate, int nFft) {
        ManifestSection in = new ManifestSection(prosody, "prosody");
        List<String> vector = new ArrayList<>();
        JsonNode names = in.field("vector");
        if (!names.isArray()) {
            throw new IllegalArgumentException("prosody.vector: expected an array of names, got " + names);
        }
        names.forEach(n -> vector.add(n.isTextual() ? n.asText() : n.toString()));
        ProsodySettings settings = new ProsodySettings(
                sampleRate,
                in.integer("hop"),
                in.integer("window"),
                in.integer("tau_min"),
                in.integer("tau_max"),
                in.number("voiced_max"),
                in.number("octave_reach"),
                in.number("energy_floor_db"),
                in.number("active_below_peak_db"),
                in.number("noise_margin_db"),
                in.integer("pause_min_frames"),
                in.integer("nucleus_half"),
                in.integer("nucleus_reach"),
                in.number("nucleus_dip_db"),
                in.integer("min_voiced"),
                in.number("f0_ref_hz"),
                in.number("pitch_track_scale"),
                nFft,
                vector); // refuses names this front end does not compute, before the lengths below are read
        int dim = in.integer("dim");
        if (dim != vector.size()) {
            throw new IllegalArgumentException("prosody.dim " + dim + " is not the length of prosody.vector (" + vector.size() + ")");
        }
        int utteranceDim = in.integer("utterance_dim");
        long fromUtterance = vector.stream().filter(n -> ProsodyFeatures.NAMES.indexOf(n) < ProsodyFeatures.UTTERANCE_DIM).count();
        if (utteranceDim != fromUtterance) {
            throw new IllegalArgumentException("prosody.utterance_dim " + utteranceDim + ": prosody.vector names " + fromUtterance
                    + " values computed from the utterance alone");
        }
        List<String> baselineFrom = new ArrayList<>(List.of("f0_median", "level")); // what the baseline kept first
        JsonNode from = prosody.get("baseline_from");
        if (from != null) {
            baselineFrom.clear();
            from.forEach(n -> baselineFrom.add(n.asText()));
        }
        if (!ProsodyFeatures.BASELINE_FROM.containsAll(baselineFrom)) {
            throw new IllegalArgumentException("prosody.baseline_from " + baselineFrom
                    + " names stats the speaker baseline does not keep " + ProsodyFeatures.BASELINE_FROM);
        }
        ProsodyFeatures.VS_BASELINE.forEach((value, stat) -> {
            if (vector.contains(value) && !baselineFrom.contains(stat)) {
                throw new IllegalArgumentException("prosody.vector takes " + value + " but prosody.baseline_from "
                        + baselineFrom + " lacks " + stat);
            }
        });
        return settings;
    }

    /** Pitch frames for {@code n} samples: frame t reads {@code [t * hop, t * hop + window + tau_max)}. */
    public int frameCount(int n) {
        return n < window + tauMax ? 0 : 1 + (n - window - tauMax) / hop;
    }

    /** Log-mel frames for {@code n} samples (the pitch track's rows): prosody.mel_frames. */
    public int melFrameCount(int n) {
        return n < melNFft ? 0 : 1 + (n - melNFft) / hop;
    }

    private static void require(boolean ok, String key, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("unsupported prosody." + key + ": " + value);
        }
    }
}
