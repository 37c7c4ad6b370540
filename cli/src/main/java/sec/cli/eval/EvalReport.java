package sec.cli.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sec.inference.eval.VariantScores;
import sec.inference.metrics.EmotionScores;

/**
 * The evaluation's tables as report.md (the paper's quality, efficiency, resources and privacy
 * tables per language, emotion accuracy first), report.csv (one row per language and variant) and
 * report.json ({@code {lang: {variant: {emotion_accuracy, emotion_macro_f1, emotion_correct,
 * emotion_confusion, bleu1, bleu4, meteor, rougeL, rho, ttft_ms, otps, total_ms, ...}}}}).
 * Quality and ρ are deterministic; times are not.
 */
public final class EvalReport {
    private final Map<String, List<VariantScores>> byLang = new LinkedHashMap<>();
    private final String settings;

    /** {@code settings}: one line saying what ran (command, link, set). */
    public EvalReport(String settings) {
        this.settings = settings;
    }

    public void add(VariantScores s) {
        byLang.computeIfAbsent(s.lang(), k -> new ArrayList<>()).add(s);
    }

    public Map<String, List<VariantScores>> byLanguage() {
        return byLang;
    }

    private static VariantScores find(List<VariantScores> rows, String variant) {
        return rows.stream().filter(r -> r.variant().equals(variant)).findFirst().orElse(null);
    }

    /** Share of the edge→cloud gap closed on BLEU-1 and ROUGE-L; NaN without both ends. */
    public static double[] gapClosed(List<VariantScores> rows, VariantScores s) {
        VariantScores edge = find(rows, "edge");
        VariantScores cloud = find(rows, "cloud");
        if (edge == null || cloud == null) {
            return new double[] {Double.NaN, Double.NaN};
        }
        return new double[] {
            VariantScores.gapClosed(s.quality().bleu1(), edge.quality().bleu1(), cloud.quality().bleu1()),
            VariantScores.gapClosed(s.quality().rougeL(), edge.quality().rougeL(), cloud.quality().rougeL())};
    }

    public ObjectNode json() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        byLang.forEach((lang, rows) -> {
            ObjectNode l = root.putObject(lang);
            for (VariantScores s : rows) {
                ObjectNode o = l.putObject(s.variant());
                o.put("captions", s.quality().captions());
                if (s.emotion().captions() > 0) {
                    num(o, "emotion_accuracy", s.emotion().accuracy(), 2);
                    num(o, "emotion_macro_f1", s.emotion().macroF1(), 2);
                    ObjectNode per = o.putObject("emotion_correct");
                    s.emotion().correctPerLabel().forEach(per::put);
                    ObjectNode conf = o.putObject("emotion_confusion");
                    conf.putPOJO("rows", s.emotion().labels());
                    conf.putPOJO("columns", s.emotion().columns());
                    conf.putPOJO("counts", s.emotion().confusion());
                }
                num(o, "bleu1", s.quality().bleu1(), 2);
                num(o, "bleu4", s.quality().bleu4(), 2);
                num(o, "meteor", s.quality().meteor(), 2);
                num(o, "rougeL", s.quality().rougeL(), 2);
                double[] gap = gapClosed(rows, s);
                num(o, "gap_closed_bleu1", gap[0], 1);
                num(o, "gap_closed_rougeL", gap[1], 1);
                num(o, "rho", s.rho(), 4);
                o.put("uplink_bytes", s.uplinkBytes());
                o.put("raw_audio_bytes", s.rawAudioBytes());
                num(o, "uplink_share", s.uplinkShare(), 5);
                num(o, "ttft_ms", s.ttftMs(), 2);
                num(o, "itps", s.itps(), 1);
                num(o, "oet_ms", s.oetMs(), 2);
                num(o, "otps", s.otps(), 1);
                num(o, "total_ms", s.totalMs(), 2);
                num(o, "p50_total_ms", s.p50TotalMs(), 2);
                num(o, "p95_total_ms", s.p95TotalMs(), 2);
                num(o, "edge_cpu_percent", s.edgeCpuPercent(), 1);
                num(o, "verifier_ms", s.verifierMs(), 2);
                num(o, "peak_rss_mb", s.peakRssBytes() / 1048576.0, 1);
            }
        });
        return root;
    }

    /** NaN (a gap with no edge or cloud row) becomes null: JSON has no NaN. */
    private static void num(ObjectNode o, String key, double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(key);
        } else {
            o.put(key, round(v, digits));
        }
    }

    private static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    public String csv() {
        StringBuilder b = new StringBuilder("lang,variant,captions,emotion_accuracy,emotion_macro_f1,bleu1,bleu4,meteor,rougeL,gap_closed_bleu1,gap_closed_rougeL,"
                + "rho,uplink_bytes,raw_audio_bytes,ttft_ms,itps,oet_ms,otps,total_ms,p50_total_ms,p95_total_ms,"
                + "edge_cpu_percent,verifier_ms,peak_rss_mb\n");
        byLang.forEach((lang, rows) -> {
            for (VariantScores s : rows) {
                double[] gap = gapClosed(rows, s);
                b.append(String.format(Locale.ROOT, "%s,%s,%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.1f,%.1f,%.4f,%d,%d,%.2f,%.1f,%.2f,%.1f,%.2f,%.2f,%.2f,%.1f,%.2f,%.1f%n",
                        lang, s.variant(), s.quality().captions(), s.emotion().accuracy(), s.emotion().macroF1(), s.quality().bleu1(), s.quality().bleu4(), s.quality().meteor(),
                        s.quality().rougeL(), gap[0], gap[1], s.rho(), s.uplinkBytes(), s.rawAudioBytes(), s.ttftMs(), s.itps(),
                        s.oetMs(), s.otps(), s.totalMs(), s.p50TotalMs(), s.p95TotalMs(), s.edgeCpuPercent(), s.verifierMs(),
                        s.peakRssBytes() / 1048576.0));
            }
        });
        return b.toString();
    }

    public String markdown(List<String> plots) {
        StringBuilder b = new StringBuilder("# Evaluation report\n\n").append(settings).append("\n");
        byLang.forEach((lang, rows) -> {
            b.append("\n## ").append(lang).append(" (").append(rows.get(0).quality().captions()).append(" recordings)\n\n");
            b.append("Quality (percent; emotion = the caption names the emotion the recording was spoken with; "
                    + "gap closed = share of the edge→cloud difference recovered)\n\n");
            b.append("| variant | emotion | emotion macro-F1 | BLEU-1 | BLEU-4 | METEOR | ROUGE-L | gap closed BLEU-1 | gap closed ROUGE-L |\n"
                    + "|---|---|---|---|---|---|---|---|---|\n");
            for (VariantScores s : rows) {
                double[] gap = gapClosed(rows, s);
                boolean labelled = s.emotion().captions() > 0;
                b.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %.1f | %.1f | %.1f | %s | %s |%n", s.variant(),
                        labelled ? String.format(Locale.ROOT, "%.1f", s.emotion().accuracy()) : "–",
                        labelled ? String.format(Locale.ROOT, "%.1f", s.emotion().macroF1()) : "–", s.quality().bleu1(),
                        s.quality().bleu4(), s.quality().meteor(), s.quality().rougeL(), pct(gap[0]), pct(gap[1])));
            }
            if (rows.get(0).emotion().captions() > 0) {
                b.append("\nEmotion named correctly, per emotion (recordings of it: ");
                EmotionScores first = rows.get(0).emotion();
                List<String> counts = new ArrayList<>();
                for (String label : first.labels()) {
                    counts.add(label + " " + first.truths(label));
                }
                b.append(String.join(", ", counts)).append(")\n\n| variant | ").append(String.join(" | ", first.labels()))
                        .append(" |\n|---|").append("---|".repeat(first.labels().size())).append('\n');
                for (VariantScores s : rows) {
                    b.append("| ").append(s.variant());
                    for (String label : first.labels()) {
                        b.append(" | ").append(s.emotion().correct(label));
                    }
                    b.append(" |\n");
                }
            }
            b.append("\nEfficiency (per caption, emulated clock)\n\n");
            b.append("| variant | TTFT ms | ITPS | OET ms | OTPS | total ms | p50 ms | p95 ms |\n|---|---|---|---|---|---|---|---|\n");
            for (VariantScores s : rows) {
                b.append(String.format(Locale.ROOT, "| %s | %.1f | %.0f | %.1f | %.0f | %.1f | %.1f | %.1f |%n", s.variant(), s.ttftMs(),
                        s.itps(), s.oetMs(), s.otps(), s.totalMs(), s.p50TotalMs(), s.p95TotalMs()));
            }
            b.append("\nResources and privacy\n\n");
            b.append("| variant | edge CPU % | verifier ms | peak RSS MB | ρ | uplink bytes | uplink / raw G.711 |\n|---|---|---|---|---|---|---|\n");
            for (VariantScores s : rows) {
                b.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.0f | %.3f | %d | %.2f %% |%n", s.variant(), s.edgeCpuPercent(),
                        s.verifierMs(), s.peakRssBytes() / 1048576.0, s.rho(), s.uplinkBytes(), 100 * s.uplinkShare()));
            }
        });
        if (!plots.isEmpty()) {
            b.append("\n## Plots\n\n");
            for (String p : plots) {
                b.append("![").append(p).append("](").append(p).append(")\n\n");
            }
        }
        b.append("""

            Definitions: TTFT = time to the first committed token; OET = from the first token to the last;
            OTPS = tokens after the first per second of OET; ITPS = input tokens (10 ms log-mel frames + prompt)
            per second of TTFT; total = the whole caption. Times are edge compute + verifier compute + the
            emulated network per verification round trip (RTT + bytes over the bandwidth), accounted, not
            slept. Edge CPU % = share of the caption's time the edge computes; peak RSS is the process's
            (edge and verifier share it here). ρ = tokens sent / tokens drafted; uplink = contexts + requests.
            """);
        return b.toString();
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f %%", v);
    }

    /** Writes report.md, report.csv and report.json into {@code dir}. */
    public void write(Path dir, List<String> plots) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.md"), markdown(plots));
        Files.writeString(dir.resolve("report.csv"), csv());
        Files.writeString(dir.resolve("report.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json()) + "\n");
    }
}
