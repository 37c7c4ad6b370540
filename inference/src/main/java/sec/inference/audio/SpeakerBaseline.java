package sec.inference.audio;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Objects;

/**
 * A speaker's running prosody baseline over the utterances so far in a call (prosody.SpeakerBaseline):
 * the mean f0_median over the utterances with pitch and the mean level over all of them. It lives
 * in keyed state per (call, channel), hence counts and sums rather than means (exact to update, and
 * the same sums in the same order as Python), and {@link #write}/{@link #read} for a serializer.
 * Mutable and not thread-safe.
 */
public final class SpeakerBaseline {

    /**
     * The baseline {@link ProsodyFeatures#withBaseline} compares an utterance with: the mean
     * f0_median (semitones; null when no utterance so far had pitch) and the mean level (dBFS).
     */
    public record Value(Double f0, double level) {
    }

    private int utterances;
    private int voicedUtterances;
    private double f0Sum;
    private double levelSum;

    public SpeakerBaseline() {
    }

    private SpeakerBaseline(int utterances, int voicedUtterances, double f0Sum, double levelSum) {
        this.utterances = utterances;
        this.voicedUtterances = voicedUtterances;
        this.f0Sum = f0Sum;
        this.levelSum = levelSum;
    }

    /** Adds an utterance's stats (its UTTERANCE_DIM stats or its full vector). */
    public void add(double[] stats) {
        if (stats == null || stats.length < ProsodyFeatures.UTTERANCE_DIM) {
            throw new IllegalArgumentException("need the " + ProsodyFeatures.UTTERANCE_DIM + " utterance stats, got "
                    + (stats == null ? null : stats.length));
        }
        utterances++;
        levelSum += stats[ProsodyFeatures.LEVEL];
        if (stats[ProsodyFeatures.VOICED] > 0) {
            voicedUtterances++;
            f0Sum += stats[ProsodyFeatures.F0_MEDIAN];
        }
    }

    /** Adds an utterance. */
    public void add(Prosody prosody) {
        add(prosody.stats());
    }

    /**
     * The baseline an utterance is read against, then the utterance joins it: the value before
     * {@code prosody} (null for the speaker's first), as the edge job and its reference captions
     * both take it.
     */
    public Value hear(Prosody prosody) {
        Value before = value();
        add(prosody);
        return before;
    }

    /** The running means, or null before the first utterance. */
    public Value value() {
        if (utterances == 0) {
            return null;
        }
        return new Value(voicedUtterances > 0 ? f0Sum / voicedUtterances : null, levelSum / utterances);
    }

    /** Utterances added so far. */
    public int utterances() {
        return utterances;
    }

    /** Utterances added so far that had pitch. */
    public int voicedUtterances() {
        return voicedUtterances;
    }

    public SpeakerBaseline copy() {
        return new SpeakerBaseline(utterances, voicedUtterances, f0Sum, levelSum);
    }

    /** Two ints and two doubles (24 bytes). */
    public void write(DataOutput out) throws IOException {
        out.writeInt(utterances);
        out.writeInt(voicedUtterances);
        out.writeDouble(f0Sum);
        out.writeDouble(levelSum);
    }

    /** Reads what {@link #write} wrote. */
    public static SpeakerBaseline read(DataInput in) throws IOException {
        int n = in.readInt();
        int voiced = in.readInt();
        double f0Sum = in.readDouble();
        double levelSum = in.readDouble();
        if (n < 0 || voiced < 0 || voiced > n) {
            throw new IOException("corrupt speaker baseline: " + voiced + " voiced of " + n + " utterances");
        }
        return new SpeakerBaseline(n, voiced, f0Sum, levelSum);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpeakerBaseline b && utterances == b.utterances && voicedUtterances == b.voicedUtterances
                && Double.compare(f0Sum, b.f0Sum) == 0 && Double.compare(levelSum, b.levelSum) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(utterances, voicedUtterances, f0Sum, levelSum);
    }

    @Override
    public String toString() {
        return "SpeakerBaseline[utterances=" + utterances + ", voiced=" + voicedUtterances + ", value=" + value() + "]";
    }
}
