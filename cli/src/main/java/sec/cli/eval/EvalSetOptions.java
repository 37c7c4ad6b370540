package sec.cli.eval;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import sec.inference.CaptionEngine;
import sec.inference.decode.SpeculationConfig;
import sec.cli.SecCli;

/** What {@code sec eval} and {@code sec calibrate} share: languages, limit, emulated link, τ, bundle. */
public final class EvalSetOptions {
    @Option(names = "--lang", defaultValue = "both", description = "en | zh | both (default: ${DEFAULT-VALUE})")
    String lang;

    @Option(names = "--limit", defaultValue = "0", description = "first N recordings per language (0: all)")
    int limit;

    @Option(names = "--rtt-ms", defaultValue = "40", description = "emulated round-trip time (default: ${DEFAULT-VALUE})")
    double rttMs;

    @Option(names = "--uplink-mbps", defaultValue = "20", description = "emulated bandwidth each way (default: ${DEFAULT-VALUE})")
    double uplinkMbps;

    @Option(names = "--tau", description = "entropy gate in nats for the UGSD rows (default: the engine's, 1.3)")
    Double tau;

    @Option(names = "--models", description = "model bundle directory (default: the bundled models)")
    Path models;

    List<String> langs() {
        return switch (lang) {
            case "both" -> List.of("en", "zh");
            case "en", "zh" -> List.of(lang);
            default -> throw new IllegalArgumentException("--lang must be en, zh or both, got '" + lang + "'");
        };
    }

    CaptionEngine.Network network() {
        return new CaptionEngine.Network(rttMs, uplinkMbps, uplinkMbps);
    }

    SpeculationConfig base() {
        return tau == null ? SpeculationConfig.defaults() : SpeculationConfig.defaults().withTau(tau);
    }

    Path bundle() {
        return models != null ? models : SecCli.modelsDir().resolve("bundled");
    }
}
