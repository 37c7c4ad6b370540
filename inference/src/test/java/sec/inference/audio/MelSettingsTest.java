package sec.inference.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MelSettingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The "audio" section exactly as models/recipe/export.py writes it. */
    private static ObjectNode manifestAudio() throws IOException {
        return (ObjectNode) JSON.readTree("""
                {"sample_rate": 8000, "n_fft": 256, "win_length": 256, "hop_length": 80,
                 "window": "hann_periodic", "center": false, "n_mels": 40, "f_min": 60.0, "f_max": 3800.0,
                 "mel_scale": "htk", "mel_norm": null, "power": 2.0, "log": "natural",
                 "log_floor": 1e-06, "max_seconds": 12.0,
                 "pad_value": "log(log_floor): padding frames are silence", "note": "ignored"}""");
    }

    @Test
    void parsesTheManifestSection() throws IOException {
        MelSettings s = MelSettings.fromJson(manifestAudio());
        assertEquals(MelSettings.recipeDefaults(), s);
        assertNull(s.melNorm());
        assertEquals(96000, s.maxSamples());
        assertEquals(0, s.frameCount(255));
        assertEquals(1, s.frameCount(256));
        assertEquals(1, s.frameCount(335));
        assertEquals(2, s.frameCount(336));
    }

    @Test
    void bundledManifestMatchesTheRecipe() throws IOException {
        Path manifest = TestFiles.modelsDir().resolve("bundled").resolve("model.json");
        assumeTrue(Files.isRegularFile(manifest), "no bundled model at " + manifest);
        JsonNode root = JSON.readTree(manifest.toFile());
        assertEquals(MelSettings.recipeDefaults(), MelSettings.fromJson(root.get("audio")));
    }

    @Test
    void rejectsUnsupportedValuesNamingKeyAndValue() throws IOException {
        assertRejected("window", JSON.getNodeFactory().textNode("hamming"), "hamming");
        assertRejected("center", JSON.getNodeFactory().booleanNode(true), "true");
        assertRejected("mel_scale", JSON.getNodeFactory().textNode("slaney"), "slaney");
        assertRejected("mel_norm", JSON.getNodeFactory().textNode("slaney"), "slaney");
        assertRejected("power", JSON.getNodeFactory().numberNode(1.0), "1.0");
        assertRejected("log", JSON.getNodeFactory().textNode("log10"), "log10");
        assertRejected("n_fft", JSON.getNodeFactory().numberNode(200), "200");
        assertRejected("win_length", JSON.getNodeFactory().numberNode(200), "200");
        assertRejected("f_max", JSON.getNodeFactory().numberNode(4100.0), "4100.0");
        assertRejected("sample_rate", JSON.getNodeFactory().numberNode(8000.5), "8000.5");
        assertRejected("hop_length", JSON.getNodeFactory().textNode("80"), "80");
    }

    @Test
    void missingKeysAreNamed() throws IOException {
        for (String key : new String[] {"n_mels", "mel_norm", "center", "max_seconds"}) {
            ObjectNode audio = manifestAudio();
            audio.remove(key);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MelSettings.fromJson(audio));
            assertEquals("missing key 'audio." + key + "'", e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> MelSettings.fromJson(null));
    }

    private static void assertRejected(String key, JsonNode value, String shown) throws IOException {
        ObjectNode audio = manifestAudio();
        audio.set(key, value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MelSettings.fromJson(audio),
                key + " = " + value);
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains(shown), e.getMessage());
    }
}
