package sec.inference.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Streaming energy endpointer for one channel: feed samples at the model rate in any chunk sizes,
 * get closed utterances back. Holds at most one utterance of audio (bounded by maxUtteranceMs) plus
 * the pre-roll, so per-channel memory is bounded. Plain data: it can live in keyed state.
 */
public final class EnergyEndpointer {
    /** A closed utterance: where it starts in the channel (sample index) and its samples. */
    public record Utterance(long startSample, float[] samples) {
        public long endSample() {
            return startSample + samples.length;
        }
    }

    private final EndpointerSettings s;
    private final float[] frame;
    private int frameFill;
    private long position;           // samples consumed so far
    private double noiseFloorDb = -60.0;
    private final float[] preRoll;   // ring of the most recent samples while idle
    private int preRollFill;
    private int preRollHead;
    private float[] speech;          // the open utterance (null when idle)
    private int speechLength;
    private long speechStart;
    private int voicedRun;           // consecutive speech samples while idle
    private int silentRun;           // consecutive silent samples inside an utterance

    public EnergyEndpointer(EndpointerSettings settings) {
        this.s = settings;
        this.frame = new float[settings.frameSamples()];
        this.preRoll = new float[settings.sampleRate() * (settings.preRollMs() + settings.minSpeechMs()) / 1000 + frame.length];
    }

    public EndpointerSettings settings() {
        return s;
    }

    /** Samples consumed so far. */
    public long position() {
        return position;
    }

    public boolean inUtterance() {
        return speech != null;
    }

    /** Feeds samples; returns the utterances this closed (usually none). */
    public List<Utterance> accept(float[] samples) {
        List<Utterance> out = new ArrayList<>(0);
        for (float x : samples) {
            frame[frameFill++] = x;
            if (frameFill == frame.length) {
                onFrame(out);
                frameFill = 0;
            }
        }
        return out;
    }

    /** End of the channel: closes an open utterance, without the silence it ended in. */
    public List<Utterance> flush() {
        List<Utterance> out = new ArrayList<>(1);
        if (speech != null) {
            append(frame, frameFill);
            position += frameFill;
            silentRun += frameFill;
            frameFill = 0;
            close(out, silentRun - tail());
        }
        return out;
    }

    private void onFrame(List<Utterance> out) {
        double db = levelDb(frame);
        boolean voiced = db > s.thresholdDb() && db > noiseFloorDb + s.noiseMarginDb();
        trackNoise(db, voiced);
        position += frame.length;
        if (speech == null) {
            remember(frame);
            voicedRun = voiced ? voicedRun + frame.length : 0;
            if (s.ms(voicedRun) >= s.minSpeechMs()) {
                open();
            }
            return;
        }
        append(frame, frame.length);
        silentRun = voiced ? 0 : silentRun + frame.length;
        if (s.ms(silentRun) >= s.hangoverMs()) {
            close(out, silentRun - tail());
        } else if (s.ms(speechLength) >= s.maxUtteranceMs()) {
            close(out, 0);
        }
    }

    /** Opens an utterance with the pre-roll (which already holds the voiced frames). */
    private void open() {
        int keep = Math.min(preRollFill, s.sampleRate() * (s.preRollMs() + s.ms(voicedRun)) / 1000);
        speech = new float[Math.max(keep, s.sampleRate())];
        speechLength = 0;
        for (int i = preRollFill - keep; i < preRollFill; i++) {
            speech[speechLength++] = preRoll[(preRollHead + i) % preRoll.length];
        }
        speechStart = position - keep;
        silentRun = 0;
        preRollFill = 0;
        voicedRun = 0;
    }

    /** Samples of trailing silence an utterance keeps. */
    private int tail() {
        return s.sampleRate() * s.tailMs() / 1000;
    }

    private void close(List<Utterance> out, int dropTail) {
        int length = Math.max(0, speechLength - Math.max(0, dropTail));
        int voiced = length - Math.min(silentRun, tail()); // the kept silence does not count
        if (s.ms(voiced) >= s.minUtteranceMs()) {
            out.add(new Utterance(speechStart, Arrays.copyOf(speech, length)));
        }
        speech = null;
        speechLength = 0;
        silentRun = 0;
    }

    private void append(float[] src, int n) {
        int cap = s.sampleRate() * s.maxUtteranceMs() / 1000;
        n = Math.min(n, cap - speechLength);
        if (speechLength + n > speech.length) {
            speech = Arrays.copyOf(speech, Math.min(cap, Math.max(speechLength + n, speech.length * 2)));
        }
        System.arraycopy(src, 0, speech, speechLength, n);
        speechLength += n;
    }

    private void remember(float[] src) {
        for (float x : src) {
            if (preRollFill < preRoll.length) {
                preRoll[(preRollHead + preRollFill++) % preRoll.length] = x;
            } else {
                preRoll[preRollHead] = x;
                preRollHead = (preRollHead + 1) % preRoll.length;
            }
        }
    }

    /**
     * The floor follows quiet frames quickly and rises slowly, so speech does not lift it. Digital
     * silence (gap filling, muted lines) says nothing about the line noise and is ignored.
     */
    private void trackNoise(double db, boolean voiced) {
        if (db < -100) {
            return;
        }
        if (db < noiseFloorDb) {
            noiseFloorDb = 0.7 * noiseFloorDb + 0.3 * db;
        } else if (!voiced) {
            noiseFloorDb += 0.05 * (db - noiseFloorDb);
        } else {
            noiseFloorDb += 0.0005 * (db - noiseFloorDb);
        }
    }

    static double levelDb(float[] x) {
        double sum = 0;
        for (float v : x) {
            sum += (double) v * v;
        }
        return 10 * Math.log10(sum / x.length + 1e-12);
    }
}
