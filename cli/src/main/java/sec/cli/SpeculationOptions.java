package sec.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.credit.CreditConfig;
import sec.inference.decode.credit.CreditTable;
import sec.jobs.JobSettings;

/**
 * Options shared by {@code sec caption}, {@code sec demo} and {@code sec eval}: the emotion gate,
 * and the second seed method's credit inertia (optionally with a calibrated table) and pipelined drafting.
 */
public final class SpeculationOptions {
    @Option(names = "--credit", description = "credit inertia: τ and γ follow the call's recent acceptance (E2-SCI)")
    boolean credit;

    @Option(names = "--credit-table", paramLabel = "FILE",
            description = "credit inertia with the thresholds sec calibrate wrote (implies --credit)")
    Path creditTable;

    @Option(names = "--tau-emotion", paramLabel = "NATS",
            description = "the entropy gate at the tokens that decide the emotion (the first token, emotion words;"
                    + " default: " + SpeculationConfig.DEFAULT_TAU_EMOTION + ")")
    Double tauEmotion;

    @Option(names = "--lookahead", paramLabel = "N", defaultValue = "0",
            description = "pipelined drafting: blocks drafted while the oldest waits for its verdict (default: ${DEFAULT-VALUE}, off)")
    int lookahead;

    @Option(names = "--pre-hit", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "with --lookahead: a verdict's bonus token checks the next window's first token (default: ${DEFAULT-VALUE})")
    boolean preHit;

    /** The credit settings asked for, or null. */
    public CreditConfig creditConfig() {
        if (creditTable != null) {
            return CreditConfig.defaults().withTable(CreditTable.load(creditTable));
        }
        return credit ? CreditConfig.defaults() : null;
    }

    /** The options as given, for a report's settings line ("" when none). */
    public String describe() {
        return (tauEmotion != null ? " --tau-emotion " + tauEmotion : "")
                + (creditTable != null ? " --credit-table " + creditTable : credit ? " --credit" : "")
                + (lookahead > 0 ? " --lookahead " + lookahead : "") + (preHit ? "" : " --no-pre-hit");
    }

    /** The options as the jobs' speculation.* settings (what sec demo hands to JobSettings). */
    public java.util.Map<String, String> settings() {
        java.util.Map<String, String> k = new java.util.LinkedHashMap<>();
        if (tauEmotion != null) {
            k.put("speculation.tau-emotion", String.valueOf(tauEmotion));
        }
        if (creditTable != null || credit) {
            k.put("speculation.credit", creditTable != null ? creditTable.toString() : "on");
        }
        k.put("speculation.lookahead", String.valueOf(lookahead));
        k.put("speculation.pre-hit", String.valueOf(preHit));
        return k;
    }

    /** The options laid over {@code base}, for the paths that decode without a job (caption, eval). */
    public SpeculationConfig applyTo(SpeculationConfig base) {
        SpeculationConfig.Builder b = base.toBuilder().credit(creditConfig()).lookahead(lookahead).preHit(preHit);
        if (tauEmotion != null) {
            b.tauEmotion(tauEmotion);
        }
        return b.build();
    }
}
