package sec.cli.eval;

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
import sec.cli.SpeculationOptions;

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

    @Option(names = "--set", description = "a folder of WAVs + references.jsonl (default: the bundled held-out set"
            + " models/eval/<lang>); with --lang both, a folder holding en/ and zh/")
    Path set;

    @Option(names = "--variants", split = ",", description = "only these variants (default: all)")
    List<String> only;

    @Option(names = "--out", defaultValue = "eval-report", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Mixin
    EvalSetOptions common;

    @Mixin
    SpeculationOptions speculation;

    @Option(names = "--plots", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "write the PNG plots (default: ${DEFAULT-VALUE})")
    boolean plots;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        List<String> langs = common.langs();
        Path modelsDir = sec.cli.SecCli.modelsDir();
        List<EvalSet> sets = new ArrayList<>();
        for (String l : langs) {
            Path dir = set == null ? modelsDir.resolve("eval").resolve(l) : langs.size() > 1 ? set.resolve(l) : set;
            sets.add(EvalSet.load(dir, l, common.limit));
        }
        SpeculationConfig base = speculation.applyTo(common.base());
        List<EvalVariant> variants = EvalVariant.standard(base).stream()
                .filter(v -> only == null || only.contains(v.name())).toList();
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("--variants names none of " + EvalVariant.standard(base).stream().map(EvalVariant::name).toList());
        }
        int total = sets.stream().mapToInt(EvalSet::size).sum() * variants.size();
        String settings = String.format(Locale.ROOT, "`sec eval --lang %s%s%s%s --rtt-ms %s --uplink-mbps %s` on %s; emulated link:"
                        + " %.0f ms RTT, %.0f Mbit/s each way; τ = %.2f nats, %s acceptance, γ levels %d/%d/%d.",
                common.lang, common.limit > 0 ? " --limit " + common.limit : "", common.tau == null ? "" : " --tau " + common.tau,
                speculation.describe(), fmt(common.rttMs), fmt(common.uplinkMbps),
                sets.stream().map(s -> s.dir() + " (" + s.size() + ")").toList(), common.rttMs, common.uplinkMbps, base.tau(),
                base.acceptance().name().toLowerCase(Locale.ROOT), base.gammaMin(), base.gammaDefault(), base.gammaMax());
        EvalReport report = new EvalReport(settings);
        ProgressBar bar = new ProgressBar(err, total);
        long t0 = System.nanoTime();
        try (CaptionEngine engine = new CaptionEngine(common.bundle(), base.withMode(SpeculationConfig.Mode.UGSD),
                common.network())) {
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
