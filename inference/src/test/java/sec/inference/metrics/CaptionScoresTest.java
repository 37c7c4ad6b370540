package sec.inference.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaptionScoresTest {
    private static final double EPS = 1e-9;

    @Test
    void englishCaptionInPercent() {
        CaptionScores s = CaptionScores.of(List.of(new CaptionScores.Sample(
                "The cat sat on the mat.", List.of("the cat is on the mat"), "en")));
        assertEquals(1, s.captions());
        assertEquals(100 * 5.0 / 6, s.bleu1(), EPS); // see BleuTest.handComputedOneAndTwoGrams
        assertEquals(0.0, s.bleu4(), EPS);
        // METEOR: 5 exact matches in 2 chunks (the cat | on the mat), P = R = 5/6:
        // 5/6 * (1 - 0.5 * (2/5)^3) = 0.806667
        assertEquals(100 * 5.0 / 6 * 0.968, s.meteor(), EPS);
        assertEquals(100 * 5.0 / 6, s.rougeL(), EPS); // see RougeLTest.singleReference
    }

    @Test
    void scoresEachLanguageOnItsOwn() {
        Map<String, CaptionScores> byLang = CaptionScores.byLanguage(List.of(
                new CaptionScores.Sample(
                        "A dog runs on the beach!", List.of("a dog runs on the beach"), "en"),
                new CaptionScores.Sample("我们去北京。", List.of("我们去上海。", "他们去北京"), "zh")));
        assertEquals(List.of("en", "zh"), List.copyOf(byLang.keySet()));
        CaptionScores en = byLang.get("en");
        assertEquals(100.0, en.bleu1(), EPS);
        assertEquals(100.0, en.bleu4(), EPS);
        assertEquals(100 * (1 - 0.5 / 216), en.meteor(), EPS); // one chunk of six matches
        assertEquals(100.0, en.rougeL(), EPS);
        CaptionScores zh = byLang.get("zh");
        // 我 们 去 北 京 all occur in some reference: p1 = 5/5; closest reference length 5, BP 1
        assertEquals(100.0, zh.bleu1(), EPS);
        // 4-grams: 们去北京 of 我们去北, 们去北京 -> 1/2; all tri-, bi- and unigrams match:
        // BLEU-4 = (1 * 1 * 1 * 1/2)^(1/4)
        assertEquals(100 * Math.pow(0.5, 0.25), zh.bleu4(), EPS);
        // exact matching only; best reference 他们去北京: 们去北京 in one chunk, P = R = 4/5:
        // 0.8 * (1 - 0.5 * (1/4)^3)
        assertEquals(100 * 0.8 * (1 - 0.5 / 64), zh.meteor(), EPS);
        // ROUGE-L: LCS 3 with 我们去上海, 4 with 他们去北京: best P = best R = 4/5
        assertEquals(80.0, zh.rougeL(), EPS);
    }

    @Test
    void captionWithoutReferenceIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new CaptionScores.Sample("a", List.of(), "en"));
    }
}
