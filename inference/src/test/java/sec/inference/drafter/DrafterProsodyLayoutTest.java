package sec.inference.drafter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sec.inference.AudioFeatures;
import sec.inference.EdgeModels;
import sec.inference.TestModels;
import sec.inference.audio.SpeakerBaseline;
import sec.inference.model.ModelException;

/**
 * The drafter's encoders get the prosody values the bundle's manifest names, in its order: the
 * front end computes them all, so a bundle trained on fewer (the pair before the caller's pitch
 * spread) can still be loaded and rolled back to, and one naming more than its encoder takes is refused.
 */
class DrafterProsodyLayoutTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SpeakerBaseline.Value BASELINE = new SpeakerBaseline.Value(3.0, -20.0, 4.0);

    @Test
    void theEncoderReadsTheValuesInTheManifestsOrder(@TempDir Path tmp) throws Exception {
        AudioFeatures f = TestModels.firstHeldOut("en");
        float[] original;
        try (EdgeModels edge = EdgeModels.load(TestModels.bundle())) {
            original = edge.drafter().encode(f, BASELINE).states();
        }
        Path swapped = withVector(TestModels.copyBundle(tmp.resolve("swapped")), names -> {
            names.set(0, JSON.getNodeFactory().textNode("f0_p10"));
            names.set(1, JSON.getNodeFactory().textNode("f0_median"));
        });
        try (EdgeModels edge = EdgeModels.load(swapped)) {
            float[] got = edge.drafter().encode(f, BASELINE).states();
            assertFalse(java.util.Arrays.equals(original, got), "the manifest's order reached the encoder");
        }
        Path same = withVector(TestModels.copyBundle(tmp.resolve("same")), names -> { });
        try (EdgeModels edge = EdgeModels.load(same)) {
            assertArrayEquals(original, edge.drafter().encode(f, BASELINE).states(), "the bundled order is the front end's");
        }
    }

    @Test
    void aManifestNamingFewerValuesThanTheEncoderTakesIsRefused(@TempDir Path tmp) throws Exception {
        Path fewer = withVector(TestModels.copyBundle(tmp.resolve("fewer")), names -> names.remove(names.size() - 1));
        ModelException e = assertThrows(ModelException.class, () -> EdgeModels.load(fewer).close());
        assertTrue(e.getMessage().contains("prosody values"), e.getMessage());
    }

    private static Path withVector(Path bundle, java.util.function.Consumer<ArrayNode> edit) throws Exception {
        Path file = bundle.resolve("model.json");
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        ObjectNode prosody = (ObjectNode) root.get("prosody");
        ArrayNode names = (ArrayNode) prosody.get("vector");
        edit.accept(names);
        prosody.put("dim", names.size());
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
        return bundle;
    }
}
