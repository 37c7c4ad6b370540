package sec.inference.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sec.inference.TestModels;
import sec.inference.model.ModelException;

class CaptionTokenizerTest {
    private static CaptionTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = CaptionTokenizer.load(TestModels.manifest().tokenizerFile());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void encodesAndDecodesLikeTheRecipe() {
        JsonNode fixtures = TestModels.json(TestModels.dir().resolve("parity/parity.json")).get("fixtures");
        for (JsonNode f : fixtures) {
            JsonNode ids = f.get("drafter").get("tokens");
            long[] want = new long[ids.size()];
            for (int i = 0; i < want.length; i++) {
                want[i] = ids.get(i).asLong();
            }
            String text = f.get("drafter").get("text").asText();
            assertEquals(text, tokenizer.decode(want), f.get("file").asText());
            assertArrayEquals(want, tokenizer.encode(text), f.get("file").asText());
        }
    }

    @Test
    void referenceCaptionsRoundTripWithoutUnknownTokens() {
        for (String lang : new String[] {"en", "zh"}) {
            for (TestModels.HeldOut h : TestModels.heldOut(lang, 40)) {
                for (String ref : h.references()) {
                    long[] ids = tokenizer.encode(ref);
                    assertTrue(ids.length > 5, ref);
                    for (long id : ids) {
                        assertFalse("<unk>".equals(tokenizer.token((int) id)), "unknown token in " + ref);
                    }
                    assertEquals(ref, tokenizer.decode(ids));
                }
            }
        }
    }

    @Test
    void specialTokensAreSkippedWhenDecoding() {
        long[] ids = tokenizer.encode("the speaker sounds calm.");
        long[] withSpecials = new long[ids.length + 2];
        withSpecials[0] = 2; // <bos>
        System.arraycopy(ids, 0, withSpecials, 1, ids.length);
        withSpecials[withSpecials.length - 1] = 3; // <eos>
        assertEquals("the speaker sounds calm.", tokenizer.decode(withSpecials));
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path tmp) {
        ModelException e = assertThrows(ModelException.class, () -> CaptionTokenizer.load(tmp.resolve("tokenizer.json")));
        assertTrue(e.getMessage().contains("tokenizer.json"));
    }
}
