package sec.inference.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeteorTest {
    private static final double EPS = 1e-12;
    private final Meteor english = Meteor.english();

    @Test
    void nltkDoctestGuideToAction() {
        // NLTK 3.8 nltk/translate/meteor_score.py doctests: single_meteor_score(reference1,
        // hypothesis1) = 0.6944 and meteor_score([reference1, reference2, reference3],
        // hypothesis1) = 0.6944. (The 2021 doctest printed 0.7398: that is the score with
        // always/forever also aligned as WordNet synonyms, 13 matches in 7 chunks; no synonyms here.)
        List<String> hyp = words("It is a guide to action which ensures that the military always"
                + " obeys the commands of the party");
        List<String> ref1 = words("It is a guide to action that ensures that the military will"
                + " forever heed Party commands");
        List<String> ref2 = words("It is the guiding principle which guarantees the military"
                + " forces always being under the command of the Party");
        List<String> ref3 = words("It is the practical guide for the army always to heed the"
                + " directions of the party");
        // By hand against ref1: 12 exact matches (it is a guide to action | ensures that |
        // military | commands | the | party), 6 chunks; P = 12/18, R = 12/16,
        // Fmean = PR / (0.9P + 0.1R) = 0.5 / 0.675 = 20/27, penalty = 0.5 * (6/12)^3 = 1/16,
        // score = 20/27 * 15/16 = 25/36 = 0.69444.
        assertEquals(25.0 / 36, english.single(hyp, ref1), EPS);
        assertEquals(0.6944, english.sentence(hyp, List.of(ref1, ref2, ref3)), 1e-4);
    }

    @Test
    void nltkHowtoExamples() {
        // nltk/test/meteor.doctest ("Sample usage for meteor", Wikipedia examples and issue #2751).
        List<String> ref = words("The cat sat on the mat");
        // identical: 1 - 0.5 * (1/6)^3; the howto checks |score - 0.9977| < 0.01
        assertEquals(1 - 0.5 / 216, english.single(words("The cat sat on the mat"), ref), EPS);
        // all six words matched, no two adjacent: penalty 0.5 * 1^3; the howto prints 0.5
        assertEquals(0.5, english.single(words("on the mat sat the cat"), ref), EPS);
        // the howto prints 0.9654: P = 6/7, R = 1, 2 chunks -> 60/61 * (1 - 0.5/27)
        assertEquals(0.9654, english.single(words("The cat was sat on the mat"), ref), 1e-4);
        // the howto prints 0.7806 and needs the stem stage (creates/create, updates/update):
        // 5 matches, P = 5/8, R = 5/6, 2 chunks -> 0.806452 * (1 - 0.5 * 0.4^3)
        assertEquals(0.7806, english.single(words("creates or updates a virtual machine scale set"),
                words("create or update a vm set")), 1e-4);
        assertEquals(0.0, english.single(words("John loves Mary"),
                words("The candidate has no alignment to any of the references")));
    }

    @Test
    void stemmingIsEnglishOnly() {
        // one stem match: P = R = 1, one chunk of one: 1 - 0.5 * 1^3
        assertEquals(0.5, english.single(words("cats"), words("cat")), EPS);
        assertEquals(0.0, Meteor.exactOnly().single(words("cats"), words("cat")));
        assertEquals(0.0, Meteor.forLanguage("zh").single(words("cats"), words("cat")));
    }

    @Test
    void alignsGreedilyFromTheEndAsNltkDoes() {
        // hyp a b a, ref a b: the last "a" takes the reference "a" first, leaving (1,1),(2,0):
        // 2 chunks. A chunk-minimising aligner would pick (0,0),(1,1) and score 0.8929.
        // P = 2/3, R = 1, Fmean = (2/3) / 0.7 = 20/21, penalty = 0.5 * (2/2)^3 -> 10/21
        assertEquals(10.0 / 21, english.single(words("a b a"), words("a b")), EPS);
    }

    @Test
    void mandarinCharactersMatchExactly() {
        List<String> hyp = ScoringTokens.of("猫坐在垫子上");
        List<String> ref = ScoringTokens.of("猫在垫子上");
        // 5 matches, 坐 unmatched: chunks 猫 | 在垫子上 = 2; P = 5/6, R = 1,
        // Fmean = (5/6) / 0.85 = 50/51, penalty = 0.5 * (2/5)^3 = 0.032
        assertEquals(50.0 / 51 * 0.968, Meteor.forLanguage("zh").single(hyp, ref), EPS);
    }

    @Test
    void bestReferenceAndCorpusMean() {
        List<String> hyp = words("cat");
        assertEquals(0.5, english.sentence(hyp, List.of(words("dog"), words("cat"))), EPS);
        // sentence scores 0.5 and 0 -> mean 0.25
        assertEquals(0.25, english.corpus(List.of(hyp, words("dog")),
                List.of(List.of(words("cat")), List.of(words("cat")))), EPS);
        assertEquals(0.0, english.corpus(List.of(), List.of()));
    }

    @Test
    void emptySidesScoreZero() {
        assertEquals(0.0, english.single(List.of(), words("a b")));
        assertEquals(0.0, english.single(words("a b"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> english.sentence(words("a"), List.of()));
    }

    private static List<String> words(String text) {
        return Arrays.asList(text.split(" "));
    }
}
