package sec.inference.decode.credit;

import java.io.Serializable;

/**
 * Settings of {@link CreditPolicy} (E2-SCI credit inertia). Credit is the smoothed acceptance
 * rate of recent verified windows; above {@code neutral + hysteresis} the gate relaxes (τ up by
 * {@code stepUp}, a longer window), below {@code neutral - hysteresis} it tightens (τ down by
 * {@code stepDown}, a shorter window), at most once per {@code refreshWindows} windows, always
 * within [{@code tauMin}, {@code tauMax}]. A window accepted below {@code fallbackAcceptance}
 * drops τ to {@code tauFallback} at once. With a {@code table} (from {@code sec calibrate}) τ
 * is the table's value for the credit instead of a step, under the same damping.
 */
public record CreditConfig(
        double beta,
        int history,
        double neutral,
        double hysteresis,
        double stepUp,
        double stepDown,
        double tauMin,
        double tauMax,
        int refreshWindows,
        double fallbackAcceptance,
        double tauFallback,
        CreditTable table) implements Serializable {

    public CreditConfig {
        check(beta > 0 && beta <= 1, "credit.beta", beta, "in (0, 1]");
        check(history >= 1, "credit.history", history, ">= 1");
        check(neutral >= 0 && neutral <= 1, "credit.neutral", neutral, "in [0, 1]");
        check(hysteresis >= 0 && hysteresis < 0.5, "credit.hysteresis", hysteresis, "in [0, 0.5)");
        check(stepUp >= 0 && stepDown >= 0, "credit.step-up/down", stepUp + "/" + stepDown, ">= 0");
        check(tauMin <= tauMax, "credit.tau-min/max", tauMin + "/" + tauMax, "min <= max");
        check(refreshWindows >= 1, "credit.refresh-windows", refreshWindows, ">= 1");
        check(tauFallback >= tauMin && tauFallback <= tauMax, "credit.tau-fallback", tauFallback, "within [tau-min, tau-max]");
    }

    private static void check(boolean ok, String key, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("setting '" + key + "' = " + value + " must be " + rule);
        }
    }

    /** β = 0.3 over the last 5 windows (the seed's), neutral 0.75 ± 0.05, τ in [0.6, 2.4] by 0.15 / 0.3. */
    public static CreditConfig defaults() {
        return new CreditConfig(0.3, 5, 0.75, 0.05, 0.15, 0.3, 0.6, 2.4, 2, 0.25, 0.6, null);
    }

    public CreditConfig withTable(CreditTable t) {
        return new CreditConfig(beta, history, neutral, hysteresis, stepUp, stepDown, tauMin, tauMax, refreshWindows,
                fallbackAcceptance, tauFallback, t);
    }
}
