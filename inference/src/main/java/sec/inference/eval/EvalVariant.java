package sec.inference.eval;

import java.util.ArrayList;
import java.util.List;
import sec.inference.decode.SpeculationConfig.Acceptance;
import sec.inference.decode.SpeculationConfig.GammaPolicy;
import sec.inference.decode.SpeculationConfig.Mode;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.credit.CreditConfig;

/** One row of the evaluation: a name (the report's key) and the decoding settings it runs. */
public record EvalVariant(String name, String description, SpeculationConfig config) {
    /** Blocks drafted ahead in the pipelined rows when the base settings name none. */
    public static final int DEFAULT_LOOKAHEAD = 2;

    /**
     * The paper's rows on top of {@code base} (τ, acceptance, γ levels of the default UGSD): edge
     * only, cloud only, UGSD with fixed γ = 1..6, dynamic γ, Hugging Face's +2/−1 heuristic, the
     * seed paper's rank-20 acceptance, lossless (exact acceptance with every block verified), then
     * dynamic γ with credit inertia, with pipelined drafting, and with both. The base's own credit
     * and lookahead settings are used by those last rows only.
     */
    public static List<EvalVariant> standard(SpeculationConfig base) {
        List<EvalVariant> out = new ArrayList<>();
        CreditConfig credit = base.credit() != null ? base.credit() : CreditConfig.defaults();
        int lookahead = base.lookahead() > 0 ? base.lookahead() : DEFAULT_LOOKAHEAD;
        base = base.withCredit(null).withLookahead(0);
        out.add(new EvalVariant("edge", "drafter alone", base.withMode(Mode.EDGE)));
        out.add(new EvalVariant("cloud", "verifier alone", base.withMode(Mode.CLOUD)));
        SpeculationConfig ugsd = base.withMode(Mode.UGSD);
        for (int g = 1; g <= 6; g++) {
            out.add(new EvalVariant("ugsd_g" + g, "UGSD, fixed γ = " + g, ugsd.withGamma(GammaPolicy.FIXED, g)));
        }
        out.add(new EvalVariant("ugsd_dynamic", "UGSD, dynamic γ", ugsd.withGamma(GammaPolicy.DYNAMIC, base.gammaFixed())));
        out.add(new EvalVariant("ugsd_heuristic", "UGSD, +2/−1 heuristic γ", ugsd.withGamma(GammaPolicy.HEURISTIC, base.gammaFixed())));
        out.add(new EvalVariant("ugsd_rank20", "UGSD, dynamic γ, rank-20 acceptance (seed paper)",
                ugsd.withGamma(GammaPolicy.DYNAMIC, base.gammaFixed()).withAcceptance(Acceptance.RANK, 20)));
        out.add(new EvalVariant("lossless", "UGSD, exact acceptance, every block verified",
                ugsd.withGamma(GammaPolicy.DYNAMIC, base.gammaFixed()).withAcceptance(Acceptance.EXACT, base.rankK())
                        .withTau(-1)));
        SpeculationConfig dynamic = ugsd.withGamma(GammaPolicy.DYNAMIC, base.gammaFixed());
        out.add(new EvalVariant("ugsd_credit", "UGSD, dynamic γ, credit inertia" + (credit.table() != null
                ? " (calibrated table)" : " (steps)"), dynamic.withCredit(credit)));
        out.add(new EvalVariant("ugsd_plc", "UGSD, dynamic γ, pipelined drafting (lookahead " + lookahead + ")",
                dynamic.withLookahead(lookahead)));
        out.add(new EvalVariant("ugsd_credit_plc", "UGSD, dynamic γ, credit inertia and pipelined drafting",
                dynamic.withCredit(credit).withLookahead(lookahead)));
        return out;
    }
}
