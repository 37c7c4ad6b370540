package sec.inference.drafter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sec.inference.AudioFeatures;
import sec.inference.FeatureExtractor;
import sec.inference.TestModels;
import sec.inference.audio.WavReader;
import sec.inference.decode.Logits;
import sec.inference.model.ModelManifest;

/** The Java drafter (ONNX Runtime) against the recipe's own greedy decoding (PyTorch). */
class DrafterParityTest {
    private static ModelManifest manifest;
    private static Drafter drafter;
    private static JsonNode fixtures;
    private static Path parityDir;

    @BeforeAll
    static void load() {
        manifest = TestModels.manifest();
        drafter = Drafter.load(manifest, 1);
        parityDir = TestModels.dir().resolve("parity");
        fixtures = TestModels.json(parityDir.resolve("parity.json")).get("fixtures");
    }

    @AfterAll
    static void close() {
        drafter.close();
    }

    @Test
    void greedyTokensEntropiesAndContextMatchTheRecipe() throws Exception {
        FeatureExtractor fx = FeatureExtractor.of(manifest);
        assertTrue(fixtures.size() >= 6, "parity fixtures for both languages");
        for (JsonNode f : fixtures) {
            String name = f.get("file").asText();
            AudioFeatures mel = fx.features(WavReader.read(parityDir.resolve(name)), 0, name);
            EncodedAudio audio = drafter.encode(mel);
            assertEquals(f.get("encoder_steps").asInt(), audio.steps(), name + " encoder steps");
            assertContextMatches(name, f.get("context"), audio);

            DraftSession s = drafter.start(audio, manifest.prompt(f.get("lang").asText()));
            JsonNode first = f.get("drafter").get("first_step_logits");
            for (int v = 0; v < first.size(); v++) {
                assertEquals(first.get(v).asDouble(), s.lastLogits()[v], 2e-3, name + " first-step logit " + v);
            }
            JsonNode want = f.get("drafter").get("tokens");
            JsonNode wantEnt = f.get("drafter").get("entropies");
            // One entropy per generated token; one more than tokens when the caption ended with eos.
            boolean endsWithEos = wantEnt.size() == want.size() + 1;
            long[] got = new long[want.size()];
            float[] logits = s.lastLogits();
            for (int i = 0; i < wantEnt.size(); i++) {
                assertEquals(wantEnt.get(i).asDouble(), Logits.entropy(logits), 2e-3, name + " entropy " + i);
                int t = Logits.argmax(logits);
                if (i == want.size()) {
                    assertEquals(manifest.eos(), t, name + " ends with eos");
                    break;
                }
                got[i] = t;
                if (i + 1 < wantEnt.size()) {
                    logits = drafter.feed(s, t);
                }
            }
            assertTrue(endsWithEos || want.size() == manifest.maxCaptionTokens(), name + ": stopped without eos");
            long[] expected = new long[want.size()];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = want.get(i).asLong();
            }
            assertArrayEquals(expected, got, name + " greedy token ids");
        }
    }

    /** int8 rounding may land on the other side of .5 for a few values; nothing else may differ. */
    private static void assertContextMatches(String name, JsonNode want, EncodedAudio audio) {
        int dim = audio.contextDim();
        int off = 0;
        for (int t = 0; t < want.size(); t++) {
            for (int c = 0; c < dim; c++) {
                int diff = Math.abs(want.get(t).get(c).asInt() - audio.context()[t * dim + c]);
                assertTrue(diff <= 1, name + " context[" + t + "][" + c + "] differs by " + diff);
                off += diff;
            }
        }
        assertTrue(off <= want.size() * dim / 50, name + ": " + off + " context values off by one");
    }
}
