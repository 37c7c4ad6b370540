package sec.inference;

import java.nio.file.Path;
import sec.inference.drafter.Drafter;
import sec.inference.model.ModelManifest;
import sec.inference.text.CaptionTokenizer;

/**
 * Everything the edge loads from a model bundle, loaded in one place: the manifest, the tokenizer,
 * the drafter (encoder, context encoder, cross K/V projection, decoder) and the front end the
 * manifest describes. Used by the drafter operator, the command line, the benchmarks and the test
 * fixtures, so a bundle that loads here loads everywhere. Closes what it opened, also when a later
 * part fails to load.
 */
public final class EdgeModels implements AutoCloseable {
    private final ModelManifest manifest;
    private final CaptionTokenizer tokenizer;
    private final Drafter drafter;
    private final FeatureExtractor features;

    private EdgeModels(ModelManifest manifest, CaptionTokenizer tokenizer, Drafter drafter) {
        this.manifest = manifest;
        this.tokenizer = tokenizer;
        this.drafter = drafter;
        this.features = FeatureExtractor.of(manifest);
    }

    /** The bundle in {@code dir}, the drafter on one ONNX Runtime thread (the edge's setting). */
    public static EdgeModels load(Path dir) {
        return load(ModelManifest.load(dir));
    }

    public static EdgeModels load(ModelManifest manifest) {
        return load(manifest, 1, false);
    }

    /** The bundle in {@code dir}, the drafter on {@code threads} ONNX Runtime threads (spinning or not). */
    public static EdgeModels load(Path dir, int threads, boolean spinning) {
        return load(ModelManifest.load(dir), threads, spinning);
    }

    public static EdgeModels load(ModelManifest manifest, int threads, boolean spinning) {
        return CaptionTokenizer.loadWith(manifest,
                tokenizer -> new EdgeModels(manifest, tokenizer, Drafter.load(manifest, threads, spinning)));
    }

    public ModelManifest manifest() {
        return manifest;
    }

    public CaptionTokenizer tokenizer() {
        return tokenizer;
    }

    public Drafter drafter() {
        return drafter;
    }

    public FeatureExtractor features() {
        return features;
    }

    @Override
    public void close() {
        try (tokenizer) {
            drafter.close();
        }
    }
}
