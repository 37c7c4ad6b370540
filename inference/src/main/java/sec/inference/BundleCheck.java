package sec.inference;

import java.nio.file.Path;

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
        try (EdgeModels m = EdgeModels.load(bundle)) {
            // loading what the edge job loads is the check
        }
    }

    /** What the cloud job loads: manifest, tokenizer (for the vocabulary) and verifier. */
    public static void cloud(Path bundle) {
        try (CloudModels m = CloudModels.load(bundle)) {
            // loading what the cloud job loads is the check
        }
    }
}
