package sec.inference.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BleuTest {
    private static final double EPS = 1e-12;

    // NLTK's corpus_bleu / sentence_bleu doctest sentences (nltk/translate/bleu_score.py), tokens
    // as given there: case-sensitive, so "Party" and "party" differ.
    private static final List<String> HYP1 = words("It is a guide to action which ensures that the"
            + " military always obeys the commands of the party");
    private static final List<String> REF1A = words("It is a guide to action that ensures that the"
            + " military will forever heed Party commands");
    private static final List<String> REF1B = words("It is the guiding principle which guarantees the"
            + " military forces always being under the command of the Party");
    private static final List<String> REF1C = words("It is the practical guide for the army always to"
            + " heed the directions of the party");
    private static final List<String> HYP2 =
            words("he read the book because he was interested in world history");
    private static final List<String> REF2A =
            words("he was interested in world history because he read the book");

    @Test
    void nltkCorpusBleuDoctest() {
        List<List<String>> hyps = List.of(HYP1, HYP2);
        List<List<List<String>>> refs = List.of(List.of(REF1A, REF1B, REF1C), List.of(REF2A));
        // NLTK doctest: corpus_bleu(...) 0.5920...; the full value is what NLTK and the recipe's
        // metrics.py (divided by 100) print: 0.5920778868801042.
        assertEquals(0.5920778868801042, Bleu.corpus(hyps, refs, 4), EPS);
        // Same doctest with uniform weights over 2 and 5 orders: 0.8242..., 0.4719...
        assertEquals(0.8242, Bleu.corpus(hyps, refs, 2), 1e-4);
        assertEquals(0.4719, Bleu.corpus(hyps, refs, 5), 1e-4);
        // BLEU-1 by hand: hyp1 matches 17 of 18 unigrams ("obeys" nowhere), hyp2 all 11; closest
        // reference lengths 18 and 11 equal the hypothesis lengths, so BP = 1: 28/29.
        assertEquals(28.0 / 29, Bleu.corpus(hyps, refs, 1), EPS);
    }

    @Test
    void nltkSentenceBleuDoctestAndItsCorpusContrast() {
        double score1 = Bleu.corpus(List.of(HYP1), List.of(List.of(REF1A, REF1B, REF1C)), 4);
        double score2 = Bleu.corpus(List.of(HYP2), List.of(List.of(REF2A)), 4);
        assertEquals(0.5045, score1, 1e-4); // sentence_bleu doctest: 0.5045...
        assertEquals(0.6223, (score1 + score2) / 2, 1e-4); // corpus_bleu doctest: 0.6223...
    }

    @Test
    void papineniClippedUnigramPrecision() {
        // Papineni et al. 2002, section 2.1: "the" x7 against two references scores 2/7.
        List<String> hyp = words("the the the the the the the");
        List<List<String>> refs = List.of(words("the cat is on the mat"),
                words("there is a cat on the mat"));
        assertEquals(2, Bleu.clippedMatches(hyp, refs, 1));
        assertEquals(0, Bleu.clippedMatches(hyp, refs, 2));
        // the closest reference has 7 tokens like the hypothesis: BP = 1
        assertEquals(2.0 / 7, Bleu.corpus(List.of(hyp), List.of(refs), 1), EPS);
    }

    @Test
    void handComputedOneAndTwoGrams() {
        List<List<String>> hyp = List.of(words("the cat sat on the mat"));
        List<List<List<String>>> refs = List.of(List.of(words("the cat is on the mat")));
        // unigrams: the x2, cat, on, mat match = 5/6; lengths 6 = 6, BP = 1
        assertEquals(5.0 / 6, Bleu.corpus(hyp, refs, 1), EPS);
        // bigrams: "the cat", "on the", "the mat" of 5 = 3/5; BLEU-2 = sqrt(5/6 * 3/5) = sqrt(1/2)
        assertEquals(Math.sqrt(0.5), Bleu.corpus(hyp, refs, 2), EPS);
        // no hypothesis 4-gram ("sat" breaks every one) is in the reference: no smoothing, 0
        assertEquals(0.0, Bleu.corpus(hyp, refs, 4), EPS);
    }

    @Test
    void shortHypothesisIsPenalised() {
        // p1 = 1, c = 2, r = 4: BP = exp(1 - 4/2) = 1/e
        assertEquals(Math.exp(-1), Bleu.corpus(List.of(words("the cat")),
                List.of(List.of(words("the cat is here"))), 1), EPS);
    }

    @Test
    void hypothesisLongerThanTheClosestReferenceIsNotPenalisedAndTiesGoToTheShorter() {
        // c = 3; references of length 2 and 4 are equally close, the shorter (2) counts, c > r so
        // BP = 1; "c" is clipped against the reference holding it: p1 = 3/3. Taking 4 would give
        // exp(1 - 4/3) = 0.7165.
        assertEquals(1.0, Bleu.corpus(List.of(words("a b c")),
                List.of(List.of(words("a b"), words("a b c d"))), 1), EPS);
        assertEquals(2, Bleu.closestReferenceLength(List.of(words("a b c d"), words("a b")), 3));
        assertEquals(4, Bleu.closestReferenceLength(List.of(words("a b"), words("a b c d")), 4));
    }

    @Test
    void mandarinCharacters() {
        List<List<String>> hyp = List.of(ScoringTokens.of("我们去北京"));
        List<List<List<String>>> refs = List.of(List.of(ScoringTokens.of("我们去上海")));
        // 我 们 去 match: p1 = 3/5; bigrams 我们 们去 of 4: p2 = 1/2; BLEU-2 = sqrt(0.3)
        assertEquals(0.6, Bleu.corpus(hyp, refs, 1), EPS);
        assertEquals(Math.sqrt(0.3), Bleu.corpus(hyp, refs, 2), EPS);
    }

    @Test
    void emptyHypothesesAndCorpusScoreZero() {
        assertEquals(0.0, Bleu.corpus(List.of(List.of()), List.of(List.of(words("a b"))), 1));
        assertEquals(0.0, Bleu.corpus(List.of(), List.of(), 4));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class,
                () -> Bleu.corpus(List.of(words("a")), List.of(List.of(words("a"))), 0));
        assertThrows(IllegalArgumentException.class,
                () -> Bleu.corpus(List.of(words("a")), List.of(), 1));
        assertThrows(IllegalArgumentException.class,
                () -> Bleu.corpus(List.of(words("a")), List.of(List.of()), 1));
    }

    static List<String> words(String text) {
        return Arrays.asList(text.split(" "));
    }
}
