package sec.inference.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The manifest's "prosody" section: what it names, in which order, and what the front end refuses. */
class ProsodySettingsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The "prosody" section exactly as models/recipe/export.py writes it. */
    private static ObjectNode manifestProsody() throws IOException {
        return (ObjectNode) JSON.readTree("""
                {"vector": ["f0_median", "f0_p10", "f0_p90", "f0_spread", "f0_delta", "level", "energy_p90",
                            "energy_spread", "voiced_ratio", "pause_ratio", "pause_rate", "pause_ms",
                            "syllable_rate", "speech_s", "span_s", "voiced", "has_baseline", "f0_vs_baseline",
                            "level_vs_baseline", "spread_vs_baseline"],
                 "dim": 20, "utterance_dim": 16, "baseline_from": ["f0_median", "level", "f0_spread"],
                 "hop": 80, "window": 200, "tau_min": 16, "tau_max": 114, "voiced_max": 0.35, "octave_reach": 0.9,
                 "energy_floor_db": -60.0, "active_below_peak_db": 25.0, "noise_margin_db": 8.0,
                 "pause_min_frames": 8, "nucleus_half": 4, "nucleus_reach": 15, "nucleus_dip_db": 3.0,
                 "min_voiced": 10, "f0_ref_hz": 100.0, "pitch_track_scale": 6.0,
                 "pitch_track": "[frames, 2] per log-mel frame", "note": "ignored"}""");
    }

    @Test
    void parsesTheManifestSection() throws IOException {
        assertEquals(ProsodySettings.recipeDefaults(), ProsodySettings.fromJson(manifestProsody(), 8000, 256));
        Path manifest = TestFiles.modelsDir().resolve("bundled").resolve("model.json");
        if (Files.isRegularFile(manifest)) {
            JsonNode root = JSON.readTree(manifest.toFile());
            if (root.has("prosody")) {
                MelSettings mel = MelSettings.fromJson(root.get("audio"));
                assertEquals(ProsodySettings.recipeDefaults(),
                        ProsodySettings.fromJson(root.get("prosody"), mel.sampleRate(), mel.nFft()));
            }
        }
    }

    @Test
    void rejectsAMissingOrNonNumericKey() throws IOException {
        for (String key : new String[] {"tau_max", "voiced_max", "pitch_track_scale", "dim", "vector"}) {
            ObjectNode p = manifestProsody();
            p.remove(key);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ProsodySettings.fromJson(p, 8000, 256));
            assertEquals("missing key 'prosody." + key + "'", e.getMessage());
        }
        ObjectNode p = manifestProsody();
        p.put("hop", "80");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProsodySettings.fromJson(p, 8000, 256));
        assertTrue(e.getMessage().contains("'prosody.hop'") && e.getMessage().contains("80"), e.getMessage());
        p.put("hop", 80.5);
        assertThrows(IllegalArgumentException.class, () -> ProsodySettings.fromJson(p, 8000, 256));
        assertThrows(IllegalArgumentException.class, () -> ProsodySettings.fromJson(null, 8000, 256));
    }

    @Test
    void selectsTheValuesAndTheOrderTheManifestNames() throws IOException {
        double[] full = new double[ProsodyFeatures.DIM];
        for (int i = 0; i < full.length; i++) {
            full[i] = 100 + i;
        }
        assertArrayEquals(full, ProsodySettings.fromJson(manifestProsody(), 8000, 256).select(full));
        ObjectNode swapped = manifestProsody();
        ArrayNode names = (ArrayNode) swapped.get("vector");
        names.set(0, JSON.getNodeFactory().textNode("f0_p10"));
        names.set(1, JSON.getNodeFactory().textNode("f0_median"));
        double[] got = ProsodySettings.fromJson(swapped, 8000, 256).select(full);
        assertEquals(List.of(101.0, 100.0, 102.0), List.of(got[0], got[1], got[2]), "a model gets the values in its order");
        // the pair before the caller's pitch spread: 19 values, a baseline of pitch and level
        ObjectNode before = manifestProsody();
        ((ArrayNode) before.get("vector")).remove(ProsodyFeatures.SPREAD_VS_BASELINE);
        before.put("dim", 19);
        ((ArrayNode) before.get("baseline_from")).remove(2);
        assertArrayEquals(java.util.Arrays.copyOf(full, 19), ProsodySettings.fromJson(before, 8000, 256).select(full));
        before.remove("baseline_from"); // older still: the manifest did not say
        assertEquals(19, ProsodySettings.fromJson(before, 8000, 256).vector().size());
        assertThrows(IllegalArgumentException.class, () -> ProsodySettings.fromJson(manifestProsody(), 8000, 256).select(new double[19]));
    }

    @Test
    void rejectsValuesTheFrontEndCannotGive() throws IOException {
        ObjectNode unknown = manifestProsody();
        ((ArrayNode) unknown.get("vector")).set(19, JSON.getNodeFactory().textNode("rate_vs_baseline"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProsodySettings.fromJson(unknown, 8000, 256));
        assertTrue(e.getMessage().contains("'rate_vs_baseline'"), e.getMessage());
        ObjectNode twice = manifestProsody();
        ((ArrayNode) twice.get("vector")).set(1, JSON.getNodeFactory().textNode("f0_median"));
        assertThrows(IllegalArgumentException.class, () -> ProsodySettings.fromJson(twice, 8000, 256));
        ObjectNode shorter = manifestProsody();
        ((ArrayNode) shorter.get("vector")).remove(19);
        assertThrows(IllegalArgumentException.class, () -> ProsodySettings.fromJson(shorter, 8000, 256));
        ObjectNode dim = manifestProsody();
        dim.put("dim", 19);
        e = assertThrows(IllegalArgumentException.class, () -> ProsodySettings.fromJson(dim, 8000, 256));
        assertTrue(e.getMessage().contains("19") && e.getMessage().contains("20"), e.getMessage());
        ObjectNode utterance = manifestProsody();
        utterance.put("utterance_dim", 15);
        assertThrows(IllegalArgumentException.class, () -> ProsodySettings.fromJson(utterance, 8000, 256));
        ObjectNode from = manifestProsody();
        ((ArrayNode) from.get("baseline_from")).set(1, JSON.getNodeFactory().textNode("energy_p90"));
        assertThrows(IllegalArgumentException.class, () -> ProsodySettings.fromJson(from, 8000, 256));
        ObjectNode noSpread = manifestProsody(); // spread_vs_baseline from a baseline that keeps no spread
        ((ArrayNode) noSpread.get("baseline_from")).remove(2);
        e = assertThrows(IllegalArgumentException.class, () -> ProsodySettings.fromJson(noSpread, 8000, 256));
        assertTrue(e.getMessage().contains("spread_vs_baseline") && e.getMessage().contains("f0_spread"), e.getMessage());
        ObjectNode lags = manifestProsody();
        lags.put("tau_min", 120);
        assertThrows(IllegalArgumentException.class, () -> ProsodySettings.fromJson(lags, 8000, 256));
    }
}
