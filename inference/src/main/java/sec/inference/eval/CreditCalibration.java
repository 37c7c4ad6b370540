package sec.inference.eval;

import java.util.ArrayList;
import java.util.List;
import sec.inference.CaptionEngine;
import sec.inference.decode.DraftBlock;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.credit.CreditConfig;
import sec.inference.decode.credit.CreditPolicy;
import sec.inference.decode.credit.CreditTable;
import sec.inference.decode.offline.Speculator;
import sec.inference.decode.verify.VerifierLink;

/**
 * Offline calibration of credit inertia ({@code sec calibrate}). Every block of the calibration
 * set is verified once (lossless run), which tells for each window its largest entropy, whether
 * the verifier accepted it whole, what the round trip cost, and the call's smoothed credit just
 * before it. For a threshold τ, a window is sent when its largest entropy exceeds τ (it costs a
 * round trip) and kept on the edge otherwise (its rejected tokens, had it been sent, become errors
 * in the caption). Per credit bucket the chosen τ minimises the joint cost per drafted token,
 * {@code (round-trip ms of the windows sent + λ · tokens let through wrong) / tokens}; λ, the price
 * of one wrong token in milliseconds, is set so that the whole set's optimum is the base τ (the
 * fixed gate already calibrated for quality), so the table only redistributes verification from
 * high-credit stretches to low-credit ones. Buckets with too few windows take the global τ. No
 * monotone fit: on the bundled pair the optimum is not monotone in credit (docs/EVALUATION.md, "Credit inertia").
 */
public final class CreditCalibration {
    /** Upper credit edges of the table's buckets. */
    public static final double[] BUCKETS = {0.3, 0.5, 0.7, 0.85, 1.0};
    static final int MIN_WINDOWS = 20;
    private static final double STEP = 0.1;

    /** One verified window of the lossless run. */
    public record Window(double credit, double maxEntropy, int length, int accepted, double roundTripMs) {}

    /** The fitted table with what it was fitted on. */
    public record Result(CreditTable table, double lambdaMs, List<Window> windows, double[][] costPerBucket,
            double[] candidates, int[] windowsPerBucket) {}

    private final CaptionEngine engine;
    private final SpeculationConfig base;
    private final CreditConfig credit;

    public CreditCalibration(CaptionEngine engine, SpeculationConfig base, CreditConfig credit) {
        this.engine = engine;
        this.base = base;
        this.credit = credit;
    }

    /** Verifies every block of the prepared sets, calls of {@link Evaluation#UTTERANCES_PER_CALL} utterances. */
    public List<Window> observe(List<Evaluation.Prepared> sets, Evaluation.Progress progress) {
        List<Window> windows = new ArrayList<>();
        SpeculationConfig lossless = base.withMode(SpeculationConfig.Mode.UGSD).withTau(-1).withCredit(null).withLookahead(0);
        for (Evaluation.Prepared p : sets) {
            CreditPolicy[] call = new CreditPolicy[1];
            Speculator s = engine.speculator(lossless, link -> (input, decoder, first) -> {
                VerifierLink.LinkResult r = link.verify(input, decoder, first);
                DraftBlock b = decoder.pending();
                int accepted = Math.min(r.decision().accepted(), b.length());
                double before = Double.isNaN(call[0].credit()) ? credit.neutral() : call[0].credit();
                windows.add(new Window(before, b.maxEntropy(), b.length(), accepted, r.verifierMs() + r.networkMs()));
                call[0].onWindow(accepted, b.length());
                return r;
            });
            for (int i = 0; i < p.set().size(); i++) {
                if (i % Evaluation.UTTERANCES_PER_CALL == 0) {
                    call[0] = new CreditPolicy(credit, base.tau());
                }
                s.caption(p.features().get(i), p.set().lang());
                if (progress != null) {
                    progress.captioned(p.set().lang(), "calibrate", i + 1);
                }
            }
        }
        return windows;
    }

    /** Fits the table to observed windows. */
    public Result fit(List<Window> windows, String source) {
        double[] candidates = candidates();
        double lambda = lambdaFor(windows, candidates, base.tau());
        double[][] cost = new double[BUCKETS.length][];
        int[] count = new int[BUCKETS.length];
        double global = candidates[argmin(cost(windows, candidates, lambda))];
        double[] tau = new double[BUCKETS.length];
        for (int b = 0; b < BUCKETS.length; b++) {
            List<Window> in = bucket(windows, b);
            count[b] = in.size();
            cost[b] = cost(in, candidates, lambda);
            tau[b] = in.size() < MIN_WINDOWS ? global : candidates[argmin(cost[b])];
        }
        return new Result(new CreditTable(BUCKETS, tau, source), lambda, windows, cost, candidates, count);
    }

    private double[] candidates() {
        int n = (int) Math.round((credit.tauMax() - credit.tauMin()) / STEP) + 1;
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = Math.round((credit.tauMin() + i * STEP) * 100) / 100.0;
        }
        return c;
    }

    static List<Window> bucket(List<Window> windows, int b) {
        double lo = b == 0 ? Double.NEGATIVE_INFINITY : BUCKETS[b - 1];
        double hi = b == BUCKETS.length - 1 ? Double.POSITIVE_INFINITY : BUCKETS[b];
        return windows.stream().filter(w -> w.credit() > lo && w.credit() <= hi).toList();
    }

    /** Joint cost per drafted token for each candidate τ. */
    static double[] cost(List<Window> windows, double[] candidates, double lambdaMs) {
        double[] out = new double[candidates.length];
        long tokens = windows.stream().mapToLong(Window::length).sum();
        for (int i = 0; i < candidates.length; i++) {
            double c = 0;
            for (Window w : windows) {
                c += w.maxEntropy() > candidates[i] ? w.roundTripMs() : lambdaMs * (w.length() - w.accepted());
            }
            out[i] = tokens == 0 ? 0 : c / tokens;
        }
        return out;
    }

    /** The smallest price of a wrong token (log grid) at which the global optimum is at or below {@code tau}. */
    static double lambdaFor(List<Window> windows, double[] candidates, double tau) {
        double lambda = 1;
        while (lambda < 1e7 && candidates[argmin(cost(windows, candidates, lambda))] > tau + 1e-9) {
            lambda *= 1.1;
        }
        return lambda;
    }

    static int argmin(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] < v[best] - 1e-12) {
                best = i;
            }
        }
        return best;
    }
}
