package sec.inference.audio;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One channel of a call, from frames to utterances: puts frames back in sequence order within a
 * bounded window (duplicates and frames behind the window are dropped and counted; a gap the window
 * cannot fill is skipped and filled with silence so times stay right), decodes G.711 or PCM16,
 * resamples to the model rate and endpoints. Plain data, bounded by the window and one utterance.
 */
public final class ChannelSegmenter {
    /** An utterance at the model rate with its call-time span. */
    public record Segment(long startMs, long endMs, float[] samples) {}

    private final EndpointerSettings settings;
    private final int reorderWindow;
    private final EnergyEndpointer endpointer;
    private final TreeMap<Long, Frame> pending = new TreeMap<>();
    private long nextSeq = -1;
    private long originMs = -1;
    private long duplicates;
    private long late;
    private long gaps;

    /** A decoded frame at the model rate, waiting for its turn. */
    private record Frame(long startMs, float[] samples) {}

    public ChannelSegmenter(EndpointerSettings settings, int reorderWindow) {
        if (reorderWindow < 1) {
            throw new IllegalArgumentException("reorder window must hold at least one frame");
        }
        this.settings = settings;
        this.reorderWindow = reorderWindow;
        this.endpointer = new EnergyEndpointer(settings);
    }

    /**
     * Accepts one frame; returns the utterances it closed. Throws {@link InvalidAudioException} for a
     * payload that cannot be decoded (the caller dead-letters the frame; the channel goes on).
     */
    public List<Segment> accept(long seq, long startMs, int sampleRate, AudioEncoding encoding, byte[] payload) {
        if (sampleRate < 4000 || sampleRate > 192_000) {
            throw new InvalidAudioException("frame " + seq, "sample rate " + sampleRate + " Hz is not usable");
        }
        // Each frame is resampled on its own: exact for the telephone rate, a small edge error otherwise.
        float[] samples = Resampler.resample(PcmCodec.decode(payload, 0, payload.length, encoding, "frame " + seq),
                sampleRate, settings.sampleRate());
        if (nextSeq < 0) {
            nextSeq = seq;
            originMs = startMs;
        }
        if (seq < nextSeq) {
            late++;
            return List.of();
        }
        if (pending.putIfAbsent(seq, new Frame(startMs, samples)) != null) {
            duplicates++;
            return List.of();
        }
        List<Segment> out = new ArrayList<>(0);
        release(out, false);
        return out;
    }

    /** End of the channel (last frame or inactivity): everything pending, then the open utterance. */
    public List<Segment> flush() {
        List<Segment> out = new ArrayList<>(1);
        release(out, true);
        for (EnergyEndpointer.Utterance u : endpointer.flush()) {
            out.add(segment(u));
        }
        return out;
    }

    private void release(List<Segment> out, boolean all) {
        while (!pending.isEmpty()) {
            long first = pending.firstKey();
            if (first != nextSeq) {
                if (!all && pending.size() <= reorderWindow) {
                    return;
                }
                gaps++;
                fillSilence(pending.get(first).startMs());
            }
            Frame f = pending.pollFirstEntry().getValue();
            nextSeq = first + 1;
            feed(f.samples(), out);
        }
    }

    /** A skipped gap becomes silence up to the next frame's start, so later times stay aligned. */
    private void fillSilence(long nextStartMs) {
        long have = originMs + endpointer.position() * 1000 / settings.sampleRate();
        long missingMs = Math.min(nextStartMs - have, settings.maxUtteranceMs());
        if (missingMs > 0) {
            endpointer.accept(new float[(int) (missingMs * settings.sampleRate() / 1000)]);
        }
    }

    private void feed(float[] samples, List<Segment> out) {
        for (EnergyEndpointer.Utterance u : endpointer.accept(samples)) {
            out.add(segment(u));
        }
    }

    private Segment segment(EnergyEndpointer.Utterance u) {
        long start = originMs + u.startSample() * 1000 / settings.sampleRate();
        long end = originMs + u.endSample() * 1000 / settings.sampleRate();
        return new Segment(start, end, u.samples());
    }

    public long duplicates() {
        return duplicates;
    }

    /** Frames that arrived after the window had moved past them (re-sent or too late). */
    public long late() {
        return late;
    }

    /** Sequence gaps skipped (frames never seen within the window). */
    public long gaps() {
        return gaps;
    }

    public int pendingFrames() {
        return pending.size();
    }
}
