package sec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sec.inference.CaptionEngine;
import sec.inference.audio.InvalidAudioException;
import sec.inference.decode.Provenance;
import sec.inference.decode.SpeculationConfig.Acceptance;
import sec.inference.decode.SpeculationConfig.Mode;
import sec.inference.decode.SpeculationConfig;
import sec.jobs.JobSettings;
import sec.inference.decode.offline.CaptionResult;

/** {@code sec caption}: captions WAV files offline with the bundled models (no Flink, no Kafka). */
@Command(name = "caption", mixinStandardHelpOptions = true,
        description = "Caption WAV files (one utterance each, up to the model's length limit).")
public final class CaptionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "WAV files: PCM16, mu-law or A-law, any rate.")
    List<Path> files;

    @Option(names = "--mode", defaultValue = "ugsd", description = "edge | cloud | ugsd (default: ${DEFAULT-VALUE})")
    Mode mode;

    @Option(names = "--accept", defaultValue = "exact",
            description = "exact | rank | sampling | divergence (default: ${DEFAULT-VALUE}; see docs/EVALUATION.md)")
    Acceptance accept;

    @Option(names = "--k", defaultValue = "20", description = "rank-k acceptance: top k (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--divergence", defaultValue = "1.0", description = "divergence acceptance: max log-prob gap in nats")
    double divergence;

    @Option(names = "--tau", description = "entropy gate in nats (default 1.3, calibrated on models/calib)")
    Double tau;

    @Option(names = "--gamma", defaultValue = "dynamic", description = "dynamic | heuristic | N (fixed block length)")
    String gamma;

    @Option(names = "--lang", defaultValue = "en", description = "caption language: en | zh")
    String lang;

    @Option(names = "--channel", defaultValue = "0", description = "channel of a multi-channel file")
    int channel;

    @Option(names = "--rtt-ms", defaultValue = "0", description = "emulated edge-cloud round-trip time")
    double rttMs;

    @Option(names = "--uplink-mbps", defaultValue = "0", description = "emulated uplink bandwidth (0: no emulated link)")
    double uplinkMbps;

    @Option(names = "--models", description = "model bundle directory (default: the bundled models)")
    Path models;

    @Option(names = "--json", description = "one JSON object per file")
    boolean json;

    @Mixin
    SpeculationOptions speculation;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SpeculationConfig config = config();
        CaptionEngine.Network net = uplinkMbps > 0
                ? new CaptionEngine.Network(rttMs, uplinkMbps, uplinkMbps) : CaptionEngine.Network.none();
        int failures = 0;
        try (CaptionEngine engine = new CaptionEngine(bundle(), config, net)) {
            for (Path f : files) {
                try {
                    Optional<CaptionResult> r = engine.caption(f, lang, channel);
                    if (r.isPresent()) {
                        out.println(json ? toJson(f, r.get()) : toLine(f, r.get()));
                    } else {
                        out.println(json ? noSpeechJson(f) : f.getFileName() + ": no speech (nothing to caption)");
                    }
                } catch (InvalidAudioException e) {
                    err.println("error: " + e.getMessage());
                    failures++;
                }
                out.flush();
            }
        }
        return failures == 0 ? 0 : 1;
    }

    private Path bundle() {
        if (models != null) {
            return models;
        }
        return SecCli.modelsDir().resolve("bundled");
    }

    /** The options as the jobs' speculation.* settings, read by {@link JobSettings#speculation}, plus the offline mode. */
    private SpeculationConfig config() {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("speculation.acceptance", accept.name().toLowerCase(Locale.ROOT));
        keys.put("speculation.rank-k", String.valueOf(k));
        if (tau != null) {
            keys.put("speculation.tau", String.valueOf(tau));
        }
        String g = gamma.toLowerCase(Locale.ROOT);
        if (g.equals("dynamic") || g.equals("heuristic")) {
            keys.put("speculation.gamma", g);
        } else if (g.matches("\\d+")) {
            keys.put("speculation.gamma", "fixed");
            keys.put("speculation.gamma-fixed", g);
        } else {
            throw new IllegalArgumentException("--gamma must be dynamic, heuristic or a number, got '" + gamma + "'");
        }
        keys.putAll(speculation.settings());
        return JobSettings.speculation(keys).toBuilder().mode(mode).divergence(divergence).build();
    }

    private String toLine(Path f, CaptionResult r) {
        return String.format(Locale.ROOT, "%s: %s%n  [mode=%s tokens=%d drafted=%d sent=%d accepted=%d corrected=%d rho=%.3f total=%.1fms]",
                f.getFileName(), r.text(), mode.name().toLowerCase(Locale.ROOT), r.tokens().length, r.drafted(),
                r.sent(), r.accepted(), r.corrected(), r.rho(), r.totalMs());
    }

    private String noSpeechJson(Path f) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("file", f.toString());
        o.put("lang", lang);
        o.put("speech", false);
        o.putNull("text");
        return o.toString();
    }

    private String toJson(Path f, CaptionResult r) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("file", f.toString());
        o.put("mode", mode.name().toLowerCase(Locale.ROOT));
        o.put("lang", lang);
        o.put("text", r.text());
        o.put("tokens", r.tokens().length);
        var ids = o.putArray("token_ids");
        for (long t : r.tokens()) {
            ids.add(t);
        }
        var who = o.putArray("provenance");
        for (Provenance p : r.provenance()) {
            who.add(p.name());
        }
        o.put("drafted", r.drafted());
        o.put("sent", r.sent());
        o.put("accepted", r.accepted());
        o.put("corrected", r.corrected());
        o.put("rounds", r.rounds());
        o.put("rho", r.rho());
        o.put("uplink_bytes", r.uplinkBytes());
        o.put("ttft_ms", r.ttftMs());
        o.put("total_ms", r.totalMs());
        return o.toString();
    }
}
