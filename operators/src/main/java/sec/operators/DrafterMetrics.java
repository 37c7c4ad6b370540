package sec.operators;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import sec.inference.decode.BlockController;
import sec.inference.decode.TokenShareWindow;
import sec.schemas.EmotionCaption;

/**
 * The edge drafter's Flink metrics: tokens drafted, sent, accepted, corrected and timed out
 * (counters over final captions); ρ and the acceptance rate over the last minute's captions, and the
 * γ and τ last in force (gauges); the verification round trip and a call's state size (histograms);
 * verdicts that were stale or unusable and utterances finished over the limit (counters).
 */
final class DrafterMetrics {
    static final long WINDOW_MS = 60_000;

    private final Counter drafted;
    private final Counter sent;
    private final Counter accepted;
    private final Counter corrected;
    private final Counter timedOut;
    final Counter staleVerdicts;
    final Counter unusableVerdicts;
    final Counter overLimit;
    /** Utterances the prosody front end found not to be speech (noise, tones, silence): no caption. */
    final Counter noSpeech;
    private final Histogram roundTripMs;
    private final Histogram callStateBytes;
    private final TokenShareWindow window = new TokenShareWindow(WINDOW_MS);
    private volatile int gamma;
    private volatile double tau;

    DrafterMetrics(MetricGroup group) {
        drafted = group.counter("tokensDrafted");
        sent = group.counter("tokensSent");
        accepted = group.counter("tokensAccepted");
        corrected = group.counter("tokensCorrected");
        timedOut = group.counter("tokensTimedOut");
        staleVerdicts = group.counter("verdictsStale");
        unusableVerdicts = group.counter("verdictsUnusable");
        overLimit = group.counter("utterancesFinishedOverLimit");
        noSpeech = group.counter("utterancesWithoutSpeech");
        group.gauge("rho", (Gauge<Double>) () -> window.rho(System.currentTimeMillis()).orElse(0));
        group.gauge("acceptanceRate", (Gauge<Double>) () -> window.acceptance(System.currentTimeMillis()).orElse(0));
        group.gauge("gamma", (Gauge<Integer>) () -> gamma);
        group.gauge("tau", (Gauge<Double>) () -> tau);
        roundTripMs = group.histogram("verificationRoundTripMs", new DescriptiveStatisticsHistogram(1000));
        callStateBytes = group.histogram("callStateBytes", new DescriptiveStatisticsHistogram(1000));
    }

    /** A final caption went out. */
    synchronized void caption(EmotionCaption c, long nowMs) {
        drafted.inc(c.getDrafted());
        sent.inc(c.getSent());
        accepted.inc(c.getAccepted());
        corrected.inc(c.getCorrected());
        timedOut.inc(c.getTimeouts());
        window.add(nowMs, c.getDrafted(), c.getSent(), c.getAccepted());
    }

    void inForce(BlockController controller) {
        gamma = controller.gamma();
        tau = controller.tau();
    }

    void roundTrip(long ms) {
        roundTripMs.update(Math.max(0, ms));
    }

    void callState(long bytes) {
        callStateBytes.update(bytes);
    }
}
