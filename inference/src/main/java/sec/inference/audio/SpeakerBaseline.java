package sec.inference.audio;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Objects;

/**
 * A speaker's running prosody baseline over the utterances so far in a call (prosody.SpeakerBaseline):
 * the mean f0_median and f0_spread over the utterances with pitch and the mean level over all of
 * them. It lives
 * in keyed state per (call, channel), hence counts and sums rather than means (exact to update, and
 * the same sums in the same order as Python), and {@link #write}/{@link #read} for a serializer.
 * Mutable and not thread-safe.
 */
public final class SpeakerBaseline {

    /**
     * The baseline {@link ProsodyFeatures#withBaseline} compares an utterance with: the mean
     * f0_median (semitones; null when no utterance so far had pitch), the mean level (dBFS) and the
     * mean f0_spread (semitones; null without pitch, and for a baseline restored from state written
     * before it kept the spread, until its next utterance with pitch).
     */
    public record Value(Double f0, double level, Double spread) {
    }

    /** Marks the current state layout; the first layout began with the (non-negative) utterance count. */
    private static final int LAYOUT_WITH_SPREAD = -2;

    private int utterances;
    private int voicedUtterances;
    private double f0Sum;
    private double levelSum;
    private int spreadUtterances; // voicedUtterances, but for those restored from the first layout
    private double spreadSum;

    public SpeakerBaseline() {
    }

    private SpeakerBaseline(int utterances, int voicedUtterances, double f0Sum, double levelSum,
                            int spreadUtterances, double spreadSum) {
        this.utterances = utterances;
        this.voicedUtterances = voicedUtterances;
        this.f0Sum = f0Sum;
        this.levelSum = levelSum;
        this.spreadUtterances = spreadUtterances;
        this.spreadSum = spreadSum;
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
            spreadUtterances++;
            spreadSum += stats[ProsodyFeatures.F0_SPREAD];
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
        return new Value(voicedUtterances > 0 ? f0Sum / voicedUtterances : null, levelSum / utterances,
                spreadUtterances > 0 ? spreadSum / spreadUtterances : null);
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
        return new SpeakerBaseline(utterances, voicedUtterances, f0Sum, levelSum, spreadUtterances, spreadSum);
    }

    /** The layout mark, three ints and three doubles (40 bytes). */
    public void write(DataOutput out) throws IOException {
        out.writeInt(LAYOUT_WITH_SPREAD);
        out.writeInt(utterances);
        out.writeInt(voicedUtterances);
        out.writeDouble(f0Sum);
        out.writeDouble(levelSum);
        out.writeInt(spreadUtterances);
        out.writeDouble(spreadSum);
    }

    /**
     * Reads what {@link #write} wrote, and the first layout (two ints and two doubles, from a
     * savepoint taken before the baseline kept the spread: its spread starts empty).
     */
    public static SpeakerBaseline read(DataInput in) throws IOException {
        int first = in.readInt();
        boolean withSpread = first == LAYOUT_WITH_SPREAD;
        if (first < 0 && !withSpread) {
            throw new IOException("corrupt speaker baseline: unknown layout " + first);
        }
        int n = withSpread ? in.readInt() : first;
        int voiced = in.readInt();
        double f0Sum = in.readDouble();
        double levelSum = in.readDouble();
        int spreadN = withSpread ? in.readInt() : 0;
        double spreadSum = withSpread ? in.readDouble() : 0.0;
        if (n < 0 || voiced < 0 || voiced > n || spreadN < 0 || spreadN > voiced) {
            throw new IOException("corrupt speaker baseline: " + voiced + " voiced (" + spreadN + " with spread) of "
                    + n + " utterances");
        }
        return new SpeakerBaseline(n, voiced, f0Sum, levelSum, spreadN, spreadSum);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpeakerBaseline b && utterances == b.utterances && voicedUtterances == b.voicedUtterances
                && Double.compare(f0Sum, b.f0Sum) == 0 && Double.compare(levelSum, b.levelSum) == 0
                && spreadUtterances == b.spreadUtterances && Double.compare(spreadSum, b.spreadSum) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(utterances, voicedUtterances, f0Sum, levelSum, spreadUtterances, spreadSum);
    }

    @Override
    public String toString() {
        return "SpeakerBaseline[utterances=" + utterances + ", voiced=" + voicedUtterances + ", value=" + value() + "]";
    }
}
