package sec.inference.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sec.inference.TestModels;
import sec.inference.decode.Logits;
import sec.inference.model.ModelManifest;

class VerifierTest {
    private static ModelManifest manifest;
    private static Verifier verifier;
    private static JsonNode fixtures;

    @BeforeAll
    static void load() {
        manifest = TestModels.manifest();
        verifier = Verifier.load(manifest);
        fixtures = TestModels.json(TestModels.dir().resolve("parity").resolve("parity.json")).get("fixtures");
    }

    @AfterAll
    static void close() {
        verifier.close();
    }

    /** The fixture's context and prompt + drafter caption, with the block starting after {@code prefix} tokens. */
    private static VerifyInput input(JsonNode f, int prefix) {
        JsonNode ctx = f.get("context");
        int dim = manifest.contextDim();
        byte[] bytes = new byte[ctx.size() * dim];
        for (int t = 0; t < ctx.size(); t++) {
            for (int c = 0; c < dim; c++) {
                bytes[t * dim + c] = (byte) ctx.get(t).get(c).asInt();
            }
        }
        long[] prompt = manifest.prompt(f.get("lang").asText());
        JsonNode draft = f.get("drafter").get("tokens");
        long[] tokens = new long[prompt.length + draft.size()];
        System.arraycopy(prompt, 0, tokens, 0, prompt.length);
        for (int i = 0; i < draft.size(); i++) {
            tokens[prompt.length + i] = draft.get(i).asLong();
        }
        return new VerifyInput(bytes, ctx.size(), tokens, prompt.length + prefix);
    }

    @Test
    void teacherForcedArgmaxMatchesTheRecipe() {
        for (JsonNode f : fixtures) {
            float[][] rows = verifier.score(List.of(input(f, 0))).get(0);
            JsonNode want = f.get("verifier").get("teacher_forced_argmax");
            assertEquals(want.size(), rows.length, "one row per drafted token plus the one after");
            for (int i = 0; i < rows.length; i++) {
                assertEquals(want.get(i).asInt(), Logits.argmax(rows[i]), f.get("file").asText() + " position " + i);
            }
        }
    }

    @Test
    void batchedScoresEqualOneByOne() {
        List<VerifyInput> batch = new ArrayList<>();
        int i = 0;
        for (JsonNode f : fixtures) {
            batch.add(input(f, 1 + (i++ % 3)));
        }
        List<float[][]> together = verifier.score(batch);
        for (int r = 0; r < batch.size(); r++) {
            float[][] alone = verifier.score(List.of(batch.get(r))).get(0);
            float[][] inBatch = together.get(r);
            assertEquals(alone.length, inBatch.length);
            for (int j = 0; j < alone.length; j++) {
                assertEquals(Logits.argmax(alone[j]), Logits.argmax(inBatch[j]), "request " + r + " row " + j);
                for (int v = 0; v < alone[j].length; v++) {
                    assertEquals(alone[j][v], inBatch[j][v], 1e-3, "request " + r + " row " + j + " logit " + v);
                }
            }
        }
    }

    @Test
    void scoresOneRowPerBlockTokenPlusTheBonusRow() {
        VerifyInput in = input(fixtures.get(0), 3);
        float[][] rows = verifier.score(List.of(in)).get(0);
        assertEquals(in.blockLength() + 1, rows.length);
        assertEquals(manifest.vocabSize(), rows[0].length);
    }
}
