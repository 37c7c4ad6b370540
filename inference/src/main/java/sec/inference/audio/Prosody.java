package sec.inference.audio;

/**
 * One utterance's prosody ({@code prosody.analyse}): {@code stats}, the first
 * {@link ProsodyFeatures#UTTERANCE_DIM} entries of {@link ProsodyFeatures#NAMES} (the speaker-baseline
 * part comes from {@link ProsodyFeatures#withBaseline}), and {@code pitchTrack}, one row per log-mel
 * frame: (semitones from the utterance's median pitch / pitch_track_scale, 1) where the frame is
 * voiced, (0, 0) elsewhere. The arrays are shared, not copied; {@code equals} is reference equality
 * on them, as for any record holding arrays.
 */
public record Prosody(double[] stats, float[][] pitchTrack) {

    public Prosody {
        if (stats == null || stats.length != ProsodyFeatures.UTTERANCE_DIM) {
            throw new IllegalArgumentException("prosody stats need " + ProsodyFeatures.UTTERANCE_DIM + " values, got "
                    + (stats == null ? null : stats.length));
        }
        if (pitchTrack == null) {
            throw new IllegalArgumentException("pitch track is null");
        }
    }

    /** Whether the utterance had enough voiced frames for pitch statistics (they are 0 otherwise). */
    public boolean voiced() {
        return stats[ProsodyFeatures.VOICED] > 0;
    }

    /** The statistic called {@code name} (one of the first UTTERANCE_DIM of {@link ProsodyFeatures#NAMES}). */
    public double stat(String name) {
        int i = ProsodyFeatures.NAMES.indexOf(name);
        if (i < 0 || i >= stats.length) {
            throw new IllegalArgumentException("no utterance statistic '" + name + "'");
        }
        return stats[i];
    }
}
