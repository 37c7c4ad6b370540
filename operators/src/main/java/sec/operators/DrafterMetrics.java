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
 * verdicts that were stale or unusable and utterances finished over the limit (counters); captions,
 * the emotions they name and their latency. The caption metrics are also kept per drafter version
 * (group {@code modelVersion}, a Prometheus label), so a canary and the stable version can be
 * compared side by side.
 */
final class DrafterMetrics {
    static final long WINDOW_MS = 60_000;

    final Counter staleVerdicts;
    final Counter unusableVerdicts;
    final Counter overLimit;
    /** Utterances the prosody front end found not to be speech (noise, tones, silence): no caption. */
    final Counter noSpeech;
    private final Histogram roundTripMs;
    private final Histogram callStateBytes;
    private volatile int gamma;
    private volatile double tau;
    private final MetricGroup group;
    private final Captions all;
    private final java.util.Map<String, Captions> versions = new java.util.HashMap<>();

    /**
     * What the final captions of one group say: tokens drafted, sent, accepted, corrected and timed
     * out, ρ and the acceptance rate over the last minute, captions, the emotions they name, their latency.
     */
    private static final class Captions {
        final Counter captions;
        final Counter drafted;
        final Counter sent;
        final Counter accepted;
        final Counter corrected;
        final Counter timedOut;
        final Counter withEmotion;
        final MetricGroup emotions;
        final java.util.Map<String, Counter> named = new java.util.HashMap<>();
        final Histogram latencyMs;
        final TokenShareWindow window = new TokenShareWindow(WINDOW_MS);

        Captions(MetricGroup g) {
            captions = g.counter("captions");
            drafted = g.counter("tokensDrafted");
            sent = g.counter("tokensSent");
            accepted = g.counter("tokensAccepted");
            corrected = g.counter("tokensCorrected");
            timedOut = g.counter("tokensTimedOut");
            withEmotion = g.counter("captionsNamingAnEmotion");
            emotions = g.addGroup("emotion");
            latencyMs = g.histogram("captionLatencyMs", new DescriptiveStatisticsHistogram(1000));
            g.gauge("rho", (Gauge<Double>) () -> window.rho(System.currentTimeMillis()).orElse(0));
            g.gauge("acceptanceRate", (Gauge<Double>) () -> window.acceptance(System.currentTimeMillis()).orElse(0));
        }

        void add(EmotionCaption c, long nowMs) {
            captions.inc();
            drafted.inc(c.getDrafted());
            sent.inc(c.getSent());
            accepted.inc(c.getAccepted());
            corrected.inc(c.getCorrected());
            timedOut.inc(c.getTimeouts());
            latencyMs.update(c.getCaptionLatencyMs());
            window.add(nowMs, c.getDrafted(), c.getSent(), c.getAccepted());
            if (c.getEmotion() != null) {
                withEmotion.inc();
                named.computeIfAbsent(c.getEmotion(), emotions::counter).inc();
            }
        }
    }

    DrafterMetrics(MetricGroup group) {
        this.group = group;
        all = new Captions(group);
        staleVerdicts = group.counter("verdictsStale");
        unusableVerdicts = group.counter("verdictsUnusable");
        overLimit = group.counter("utterancesFinishedOverLimit");
        noSpeech = group.counter("utterancesWithoutSpeech");
        group.gauge("gamma", (Gauge<Integer>) () -> gamma);
        group.gauge("tau", (Gauge<Double>) () -> tau);
        roundTripMs = group.histogram("verificationRoundTripMs", new DescriptiveStatisticsHistogram(1000));
        callStateBytes = group.histogram("callStateBytes", new DescriptiveStatisticsHistogram(1000));
    }

    /** A final caption went out: counted in all and in its drafter version's group. */
    synchronized void caption(EmotionCaption c, long nowMs) {
        all.add(c, nowMs);
        versions.computeIfAbsent(c.getDrafterModelId(), v -> new Captions(group.addGroup("modelVersion", v))).add(c, nowMs);
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
