package sec.inference;

import java.nio.file.Path;
import sec.inference.model.ModelManifest;
import sec.inference.verifier.TorchThreads;
import sec.inference.text.CaptionTokenizer;
import sec.inference.verifier.Verifier;

/**
 * Everything the cloud loads from a model bundle, loaded in one place: the manifest, the tokenizer
 * (its vocabulary must be the verifier's) and the verifier (TorchScript through DJL). Used by the
 * verifier operator, the command line and the test fixtures. Closes what it opened, also when a
 * later part fails to load.
 */
public final class CloudModels implements AutoCloseable {
    private final ModelManifest manifest;
    private final CaptionTokenizer tokenizer;
    private final Verifier verifier;

    private CloudModels(ModelManifest manifest, CaptionTokenizer tokenizer, Verifier verifier) {
        this.manifest = manifest;
        this.tokenizer = tokenizer;
        this.verifier = verifier;
    }

    public static CloudModels load(Path dir) {
        return load(ModelManifest.load(dir));
    }

    public static CloudModels load(ModelManifest manifest) {
        return load(manifest, TorchThreads.DEFAULT, TorchThreads.WaitPolicy.PASSIVE);
    }

    /**
     * With the verifier on {@code threads} libtorch intra-op threads (the JVM's budget, see
     * TorchThreads) whose idle waits follow {@code waitPolicy}.
     */
    public static CloudModels load(Path dir, int threads, TorchThreads.WaitPolicy waitPolicy) {
        return load(ModelManifest.load(dir), threads, waitPolicy);
    }

    public static CloudModels load(ModelManifest manifest, int threads, TorchThreads.WaitPolicy waitPolicy) {
        return CaptionTokenizer.loadWith(manifest,
                tokenizer -> new CloudModels(manifest, tokenizer, Verifier.load(manifest, threads, waitPolicy)));
    }

    public ModelManifest manifest() {
        return manifest;
    }

    public CaptionTokenizer tokenizer() {
        return tokenizer;
    }

    public Verifier verifier() {
        return verifier;
    }

    @Override
    public void close() {
        try (tokenizer) {
            verifier.close();
        }
    }
}
