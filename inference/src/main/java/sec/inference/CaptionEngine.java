package sec.inference;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import sec.inference.audio.InvalidAudioException;
import sec.inference.audio.PcmAudio;
import sec.inference.audio.WavReader;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.offline.CaptionResult;
import sec.inference.decode.offline.Speculator;
import sec.inference.decode.verify.EmulatedLink;
import sec.inference.decode.verify.InProcessLink;
import sec.inference.decode.verify.VerifierLink;
import sec.inference.model.ModelManifest;

/**
 * Offline captioning with a model bundle: front end, drafter, verifier (loaded only when the mode
 * needs it) and an in-process link, optionally behind an emulated network. Used by
 * {@code sec caption} and the evaluation; the Flink operators wire the same parts themselves.
 */
public final class CaptionEngine implements AutoCloseable {
    private final EdgeModels edge;
    private final CloudModels cloud; // null in edge mode
    private final VerifierLink link;
    private final Speculator speculator;

    /** An emulated link; {@code rttMs} 0 with infinite bandwidth means none. */
    public record Network(double rttMs, double uplinkMbps, double downlinkMbps) {
        public static Network none() {
            return new Network(0, 0, 0);
        }
    }

    public CaptionEngine(Path bundle, SpeculationConfig config, Network network) {
        EdgeModels e = EdgeModels.load(bundle);
        CloudModels c = null;
        try {
            VerifierLink link = null;
            if (config.mode() != SpeculationConfig.Mode.EDGE) {
                c = CloudModels.load(e.manifest());
                link = new InProcessLink(c.verifier());
                if (network.uplinkMbps() > 0) {
                    link = new EmulatedLink(link, network.rttMs(), network.uplinkMbps(), network.downlinkMbps());
                }
            }
            this.link = link;
            this.speculator = speculator(e, c, config, link);
        } catch (RuntimeException x) {
            e.close();
            if (c != null) {
                c.close();
            }
            throw x;
        }
        this.edge = e;
        this.cloud = c;
    }

    public ModelManifest manifest() {
        return edge.manifest();
    }

    /** Captions one channel of a WAV file; empty when it holds no speech (noise, tones, silence). */
    public Optional<CaptionResult> caption(Path wav, String language, int channel) {
        PcmAudio audio;
        try {
            audio = WavReader.read(wav);
        } catch (IOException e) {
            throw new InvalidAudioException(wav + ": cannot be read (" + e.getMessage() + ")");
        }
        AudioFeatures f = edge.features().features(audio, channel, wav.getFileName().toString());
        edge.manifest().prompt(language); // an unknown language is an error even where there is nothing to caption
        return f.speech() ? Optional.of(caption(f, language)) : Optional.empty();
    }

    /** Captions precomputed features. */
    public CaptionResult caption(AudioFeatures features, String language) {
        return speculator.caption(features, language);
    }

    /**
     * Another decoding setup over the same models and link (the evaluation runs many); needs an
     * engine made with a mode that loaded the verifier, unless {@code config} is edge-only.
     */
    public Speculator speculator(SpeculationConfig config) {
        return speculator(edge, cloud, config, link);
    }

    /** A speculator whose verifications go through {@code wrap} of this engine's link (to observe them). */
    public Speculator speculator(SpeculationConfig config, java.util.function.UnaryOperator<VerifierLink> wrap) {
        return speculator(edge, cloud, config, wrap.apply(link));
    }

    public FeatureExtractor features() {
        return edge.features();
    }

    private static Speculator speculator(EdgeModels edge, CloudModels cloud, SpeculationConfig config, VerifierLink link) {
        return new Speculator(edge.drafter(), cloud == null ? null : cloud.verifier(), edge.manifest(), edge.tokenizer(),
                config, link);
    }

    @Override
    public void close() {
        try (edge) {
            if (cloud != null) {
                cloud.close();
            }
        }
    }
}
