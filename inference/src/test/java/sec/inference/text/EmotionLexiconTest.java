package sec.inference.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import sec.inference.TestModels;

class EmotionLexiconTest {
    private final EmotionLexicon lexicon = new EmotionLexicon(TestModels.manifest().emotions());

    @Test
    void findsTheEmotionEachReferenceNames() throws Exception {
        var m = new com.fasterxml.jackson.databind.ObjectMapper();
        int checked = 0;
        for (String lang : new String[] {"en", "zh"}) {
            for (String line : java.nio.file.Files.readAllLines(TestModels.dir().resolve("eval/" + lang + "/references.jsonl"))) {
                var n = m.readTree(line);
                for (var ref : n.get("references")) {
                    assertEquals(Optional.of(n.get("emotion").asText()), lexicon.find(ref.asText()), ref.asText());
                    checked++;
                }
            }
        }
        assertTrue(checked > 2000);
    }

    @Test
    void wholeWordsOnlyAndNothingWhenNoEmotionIsNamed() {
        assertEquals(Optional.empty(), lexicon.find("the speaker talks at a moderate pace."));
        assertEquals(Optional.empty(), lexicon.find("a sadder tale"), "sad must not match inside sadder");
        assertEquals(Optional.of("calm"), lexicon.find("The speaker sounds CALM."));
    }
}
