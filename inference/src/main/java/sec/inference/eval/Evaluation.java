package sec.inference.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sec.inference.AudioFeatures;
import sec.inference.CaptionEngine;
import sec.inference.audio.PcmAudio;
import sec.inference.audio.WavReader;
import sec.inference.decode.credit.CreditPolicy;
import sec.inference.decode.offline.CaptionResult;
import sec.inference.decode.offline.Speculator;
import sec.inference.metrics.CaptionScores;
import sec.inference.metrics.EmotionScores;
import sec.inference.text.EmotionLexicon;

/**
 * Runs evaluation variants over a set with one engine (models loaded once, features computed once
 * per recording). Decoding is deterministic, so the same set and settings give the same captions
 * and quality figures; only the timings vary with the machine.
 */
public final class Evaluation {
    /** Told after every caption (for a progress bar). */
    public interface Progress {
        void captioned(String lang, String variant, int done);
    }

    /**
     * Utterances per emulated call: the held-out set has no calls, so credit inertia (kept per
     * call) starts afresh every this many utterances, about a demo call's length.
     */
    public static final int UTTERANCES_PER_CALL = 10;

    private final CaptionEngine engine;
    private final Progress progress;

    public Evaluation(CaptionEngine engine, Progress progress) {
        this.engine = engine;
        this.progress = progress;
    }

    /** A set with its features computed. */
    public record Prepared(EvalSet set, List<AudioFeatures> features, long rawAudioBytes) {}

    public Prepared prepare(EvalSet set) {
        List<AudioFeatures> features = new ArrayList<>(set.size());
        long rawBytes = 0;
        for (EvalSet.Item item : set.items()) {
            PcmAudio audio;
            try {
                audio = WavReader.read(item.wav());
            } catch (IOException e) {
                throw new IllegalArgumentException(item.wav() + ": cannot be read (" + e.getMessage() + ")", e);
            }
            rawBytes += Math.round((double) audio.frames() * 8000 / audio.sampleRate());
            features.add(engine.features().features(audio, 0, item.wav().getFileName().toString()));
        }
        return new Prepared(set, features, rawBytes);
    }

    /** One variant over a prepared set: its captions and figures. */
    public record Run(VariantScores scores, List<CaptionResult> captions) {}

    public Run run(Prepared p, EvalVariant variant) {
        Speculator speculator = engine.speculator(variant.config());
        String lang = p.set().lang();
        long[] prompt = engine.manifest().prompt(lang);
        List<CaptionResult> results = new ArrayList<>(p.set().size());
        List<CaptionScores.Sample> samples = new ArrayList<>(p.set().size());
        List<EmotionScores.Sample> emotions = new ArrayList<>(p.set().size());
        EmotionLexicon lexicon = new EmotionLexicon(engine.manifest().emotions());
        double ttft = 0;
        double itps = 0;
        double oet = 0;
        double otps = 0;
        double total = 0;
        double edgeShare = 0;
        double verifierMs = 0;
        long drafted = 0;
        long sent = 0;
        long uplink = 0;
        double[] totals = new double[p.set().size()];
        CreditPolicy credit = null;
        for (int i = 0; i < p.set().size(); i++) {
            AudioFeatures mel = p.features().get(i);
            if (variant.config().creditInertia() && i % UTTERANCES_PER_CALL == 0) {
                credit = new CreditPolicy(variant.config().credit(), variant.config().tau());
            }
            CaptionResult r = speculator.caption(mel, lang, credit);
            results.add(r);
            samples.add(new CaptionScores.Sample(r.text(), p.set().items().get(i).references(), lang));
            String truth = p.set().items().get(i).emotion();
            if (truth != null) {
                emotions.add(new EmotionScores.Sample(truth, lexicon.find(r.text()).orElse(null)));
            }
            double first = Double.isNaN(r.ttftMs()) ? r.totalMs() : r.ttftMs();
            ttft += first;
            itps += (mel.frames() + prompt.length) / (first / 1000.0);
            double rest = r.totalMs() - first;
            oet += rest;
            otps += rest > 0 ? (r.tokens().length - 1) / (rest / 1000.0) : 0;
            total += r.totalMs();
            totals[i] = r.totalMs();
            edgeShare += r.totalMs() > 0 ? r.edgeMs() / r.totalMs() : 1;
            verifierMs += r.verifierMs();
            drafted += r.drafted();
            sent += r.sent();
            uplink += r.uplinkBytes();
            if (progress != null) {
                progress.captioned(lang, variant.name(), i + 1);
            }
        }
        int n = p.set().size();
        double[] sorted = totals.clone();
        Arrays.sort(sorted);
        VariantScores s = new VariantScores(variant.name(), lang, CaptionScores.of(samples),
                EmotionScores.of(List.copyOf(engine.manifest().emotions().keySet()), emotions),
                drafted == 0 ? 0 : (double) sent / drafted, uplink, p.rawAudioBytes(), ttft / n, itps / n, oet / n,
                otps / n, total / n, percentile(sorted, 50), percentile(sorted, 95), 100 * edgeShare / n,
                verifierMs / n, peakRssBytes(), totals);
        return new Run(s, results);
    }

    private static double percentile(double[] sorted, int p) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1))];
    }

    /** The process's peak resident set (VmHWM), or 0 where /proc is not there. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
