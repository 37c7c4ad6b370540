package sec.inference;

import java.nio.file.Path;
import sec.inference.drafter.Drafter;
import sec.inference.model.ModelManifest;
import sec.inference.text.CaptionTokenizer;
import sec.inference.verifier.Verifier;

/**
 * Loads a model bundle's edge or cloud half once and lets it go, so a job refuses to start (with
 * one {@link sec.inference.model.ModelException} line naming the file and the mismatch) instead of
 * failing in every subtask and restarting: a missing or corrupt file, a tokenizer, drafter or
 * verifier whose vocabulary is not the manifest's, an encoder that expects other mel bins.
 */
public final class BundleCheck {
    private BundleCheck() {}

    /** What the edge job loads: manifest, tokenizer, drafter (encoder, context encoder, cross K/V projection, decoder). */
    public static void edge(Path bundle) {
        ModelManifest manifest = ModelManifest.load(bundle);
        try (CaptionTokenizer tok = CaptionTokenizer.load(manifest); Drafter d = Drafter.load(manifest, 1)) {
            // loading is the check
        }
    }

    /** What the cloud job loads: manifest, tokenizer (for the vocabulary) and verifier. */
    public static void cloud(Path bundle) {
        ModelManifest manifest = ModelManifest.load(bundle);
        try (CaptionTokenizer tok = CaptionTokenizer.load(manifest); Verifier v = Verifier.load(manifest)) {
            // loading is the check
        }
    }
}
