package sec.inference;

import sec.inference.drafter.Drafter;
import sec.inference.model.ModelManifest;
import sec.inference.text.CaptionTokenizer;
import sec.inference.verifier.Verifier;

/**
 * The bundled pair loaded once for the test JVM: the decoding tests share one drafter and one
 * verifier instead of each loading (and warming) its own. Never closed: the JVM's end frees it.
 * Tests run one after another in one JVM, so the drafter's per-utterance cache is not shared at once.
 */
public record TestPair(ModelManifest manifest, EdgeModels edge, CloudModels cloud) {
    private static TestPair shared;

    public static synchronized TestPair shared() {
        if (shared == null) {
            ModelManifest manifest = TestModels.manifest();
            shared = new TestPair(manifest, EdgeModels.load(manifest), CloudModels.load(manifest));
        }
        return shared;
    }

    public Drafter drafter() {
        return edge.drafter();
    }

    public Verifier verifier() {
        return cloud.verifier();
    }

    public CaptionTokenizer tokenizer() {
        return edge.tokenizer();
    }
}
