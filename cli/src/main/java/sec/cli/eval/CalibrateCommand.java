package sec.cli.eval;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sec.inference.CaptionEngine;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.credit.CreditConfig;
import sec.inference.eval.CreditCalibration;
import sec.inference.eval.EvalSet;
import sec.inference.eval.Evaluation;
import sec.cli.SecCli;

/**
 * {@code sec calibrate}: fits credit inertia's threshold per smoothed-credit bucket on the
 * calibration set (never the held-out one) and writes the table that {@code --credit-table} loads.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Fit credit inertia's thresholds per credit bucket on a calibration set; write the table.")
public final class CalibrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--set", description = "a folder holding en/ and zh/ (WAVs + references.jsonl); default: models/calib")
    Path set;

    @Mixin
    EvalSetOptions common;

    @Option(names = "--out", description = "table file (default: <bundle>/credit-table.json)")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        Path modelsDir = SecCli.modelsDir();
        Path root = set != null ? set : modelsDir.resolve("calib");
        List<String> langs = common.langs();
        Path bundle = common.bundle();
        Path table = out != null ? out : bundle.resolve("credit-table.json");
        SpeculationConfig base = common.base();
        CreditConfig credit = CreditConfig.defaults();
        List<EvalSet> sets = new ArrayList<>();
        for (String l : langs) {
            sets.add(EvalSet.load(root.resolve(l), l, common.limit));
        }
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), sets.stream().mapToInt(EvalSet::size).sum());
        CreditCalibration.Result r;
        try (CaptionEngine engine = new CaptionEngine(bundle, base, common.network())) {
            Evaluation evaluation = new Evaluation(engine, null);
            List<Evaluation.Prepared> prepared = new ArrayList<>();
            for (EvalSet s : sets) {
                prepared.add(evaluation.prepare(s));
            }
            CreditCalibration calibration = new CreditCalibration(engine, base, credit);
            List<CreditCalibration.Window> windows = calibration.observe(prepared, (l, v, done) -> bar.step(l + " " + v));
            bar.done();
            r = calibration.fit(windows, String.format(Locale.ROOT, "sec calibrate on %s (%s), RTT %s ms, base τ %.2f",
                    root, String.join("+", langs), common.rttMs, base.tau()));
        }
        r.table().save(table);
        stdout.printf(Locale.ROOT, "%d verified windows; price of a wrong token λ = %.0f ms (the whole set's optimum is τ = %.2f)%n%n",
                r.windows().size(), r.lambdaMs(), base.tau());
        stdout.println("| credit up to | windows | τ | joint cost at τ (ms/token) | at base τ |");
        stdout.println("|---|---|---|---|---|");
        int baseIndex = 0;
        for (int i = 0; i < r.candidates().length; i++) {
            if (Math.abs(r.candidates()[i] - base.tau()) < Math.abs(r.candidates()[baseIndex] - base.tau())) {
                baseIndex = i;
            }
        }
        for (int b = 0; b < CreditCalibration.BUCKETS.length; b++) {
            double t = r.table().tau()[b];
            int ti = 0;
            for (int i = 0; i < r.candidates().length; i++) {
                if (Math.abs(r.candidates()[i] - t) < 1e-9) {
                    ti = i;
                }
            }
            stdout.printf(Locale.ROOT, "| %.2f | %d | %.2f | %.2f | %.2f |%n", CreditCalibration.BUCKETS[b],
                    r.windowsPerBucket()[b], t, r.costPerBucket()[b][ti], r.costPerBucket()[b][baseIndex]);
        }
        stdout.printf("%nwrote %s (use it with --credit-table)%n", table);
        return 0;
    }
}
