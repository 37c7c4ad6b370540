package sec.inference.eval;

import sec.inference.metrics.CaptionScores;
import sec.inference.metrics.EmotionScores;

/**
 * One variant's figures on one language's set. Whether the captions name the right emotion
 * ({@link EmotionScores}, empty when the set has no emotion labels) first, then the caption metrics
 * from {@link CaptionScores} (percent).
 * Times are per caption on the emulated clock (edge compute + verifier compute + emulated network):
 * TTFT (until the first committed token), OET (output elapsed time: from the first token to the
 * last), OTPS (tokens after the first per second of OET), ITPS (input tokens, i.e. 10 ms log-mel
 * frames plus prompt tokens, per second of TTFT), total. Edge CPU% is the share of a caption's
 * total time the edge spends computing (its ONNX Runtime work runs on one thread); peak RSS is the
 * process's (edge and verifier share the process here). ρ = tokens sent / tokens drafted; uplink
 * bytes (contexts + requests) against the raw G.711 bytes of the same audio (8,000 per second).
 */
public record VariantScores(
        String variant,
        String lang,
        CaptionScores quality,
        EmotionScores emotion,
        double rho,
        long uplinkBytes,
        long rawAudioBytes,
        double ttftMs,
        double itps,
        double oetMs,
        double otps,
        double totalMs,
        double p50TotalMs,
        double p95TotalMs,
        double edgeCpuPercent,
        double verifierMs,
        long peakRssBytes,
        double[] totalsMs) {

    /** Uplink bytes as a share of the raw audio bytes. */
    public double uplinkShare() {
        return rawAudioBytes == 0 ? 0 : (double) uplinkBytes / rawAudioBytes;
    }

    /**
     * Share (percent) of the edge→cloud gap this variant closes on a metric's value; NaN when edge and
     * cloud score the same.
     */
    public static double gapClosed(double variant, double edge, double cloud) {
        return cloud == edge ? Double.NaN : 100.0 * (variant - edge) / (cloud - edge);
    }
}
