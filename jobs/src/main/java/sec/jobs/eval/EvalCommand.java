package sec.jobs.eval;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sec.inference.CaptionEngine;
import sec.inference.decode.SpeculationConfig;
import sec.inference.eval.EvalSet;
import sec.inference.eval.EvalVariant;
import sec.inference.eval.Evaluation;
import sec.inference.eval.VariantScores;
import sec.jobs.SpeculationOptions;

/**
 * {@code sec eval}: the held-out set through every variant (edge, cloud, UGSD with fixed and
 * dynamic γ, heuristic γ, rank-20, lossless) with an emulated edge–cloud link, written as
 * report.md / report.csv / report.json and PNG plots.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate the variants on a held-out set: quality, latency, resources, privacy.")
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--lang", defaultValue = "both", description = "en | zh | both (default: ${DEFAULT-VALUE})")
    String lang;

    @Option(names = "--set", description = "a folder of WAVs + references.jsonl (default: the bundled held-out set"
            + " models/eval/<lang>); with --lang both, a folder holding en/ and zh/")
    Path set;

    @Option(names = "--limit", defaultValue = "0", description = "first N recordings per language (0: all)")
    int limit;

    @Option(names = "--rtt-ms", defaultValue = "40", description = "emulated round-trip time (default: ${DEFAULT-VALUE})")
    double rttMs;

    @Option(names = "--uplink-mbps", defaultValue = "20", description = "emulated bandwidth each way (default: ${DEFAULT-VALUE})")
    double uplinkMbps;

    @Option(names = "--tau", description = "entropy gate in nats for every UGSD row (default: the engine's, 1.3)")
    Double tau;

    @Option(names = "--variants", split = ",", description = "only these variants (default: all)")
    List<String> only;

    @Option(names = "--models", description = "model bundle directory (default: the bundled models)")
    Path models;

    @Option(names = "--out", defaultValue = "eval-report", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Mixin
    SpeculationOptions speculation;

    @Option(names = "--plots", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "write the PNG plots (default: ${DEFAULT-VALUE})")
    boolean plots;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        List<String> langs = switch (lang) {
            case "both" -> List.of("en", "zh");
            case "en", "zh" -> List.of(lang);
            default -> throw new IllegalArgumentException("--lang must be en, zh or both, got '" + lang + "'");
        };
        Path modelsDir = sec.jobs.SecCli.modelsDir();
        List<EvalSet> sets = new ArrayList<>();
        for (String l : langs) {
            Path dir = set == null ? modelsDir.resolve("eval").resolve(l) : langs.size() > 1 ? set.resolve(l) : set;
            sets.add(EvalSet.load(dir, l, limit));
        }
        SpeculationConfig base = speculation.applyTo(
                tau == null ? SpeculationConfig.defaults() : SpeculationConfig.defaults().withTau(tau));
        List<EvalVariant> variants = EvalVariant.standard(base).stream()
                .filter(v -> only == null || only.contains(v.name())).toList();
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("--variants names none of " + EvalVariant.standard(base).stream().map(EvalVariant::name).toList());
        }
        int total = sets.stream().mapToInt(EvalSet::size).sum() * variants.size();
        String settings = String.format(Locale.ROOT, "`sec eval --lang %s%s%s%s --rtt-ms %s --uplink-mbps %s` on %s; emulated link:"
                        + " %.0f ms RTT, %.0f Mbit/s each way; τ = %.2f nats, %s acceptance, γ levels %d/%d/%d.",
                lang, limit > 0 ? " --limit " + limit : "", tau == null ? "" : " --tau " + tau, speculation.describe(),
                fmt(rttMs), fmt(uplinkMbps),
                sets.stream().map(s -> s.dir() + " (" + s.size() + ")").toList(), rttMs, uplinkMbps, base.tau(),
                base.acceptance().name().toLowerCase(Locale.ROOT), base.gammaMin(), base.gammaDefault(), base.gammaMax());
        EvalReport report = new EvalReport(settings);
        ProgressBar bar = new ProgressBar(err, total);
        long t0 = System.nanoTime();
        Path bundle = models != null ? models : modelsDir.resolve("bundled");
        try (CaptionEngine engine = new CaptionEngine(bundle, base.withMode(SpeculationConfig.Mode.UGSD),
                new CaptionEngine.Network(rttMs, uplinkMbps, uplinkMbps))) {
            Evaluation evaluation = new Evaluation(engine, (l, v, done) -> bar.step(l + " " + v));
            for (EvalSet s : sets) {
                Evaluation.Prepared prepared = evaluation.prepare(s);
                for (EvalVariant v : variants) {
                    report.add(evaluation.run(prepared, v).scores());
                }
            }
        }
        bar.done();
        java.nio.file.Files.createDirectories(out);
        List<String> pngs = plots ? EvalPlots.write(out.toAbsolutePath(), report.byLanguage()) : List.of();
        report.write(out, pngs);
        stdout.print(report.markdown(List.of()));
        stdout.printf(Locale.ROOT, "%nwrote %s (report.md, report.csv, report.json%s) in %.0f s%n", out,
                pngs.isEmpty() ? "" : ", " + String.join(", ", pngs), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
