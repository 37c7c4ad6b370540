package sec.inference.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Values computed by hand with pycocoevalcap's Rouge.calc_score (COCO caption toolkit): max
 * precision and max recall over references, F = (1 + 1.2^2) P R / (R + 1.2^2 P).
 */
class RougeLTest {
    private static final double EPS = 1e-12;

    @Test
    void longestCommonSubsequence() {
        assertEquals(3, RougeL.lcs(words("a b c d e"), words("a c e f")));
        assertEquals(0, RougeL.lcs(words("a b"), List.of()));
        assertEquals(2, RougeL.lcs(words("b a"), words("a b a")));
    }

    @Test
    void singleReference() {
        // LCS "the cat on the mat" = 5; P = R = 5/6, and F = P whenever P = R
        assertEquals(5.0 / 6, RougeL.sentence(words("the cat sat on the mat"),
                List.of(words("the cat is on the mat"))), EPS);
    }

    @Test
    void betaWeighsRecall() {
        // hypothesis shorter: P = 1, R = 1/2: 2.44 * 0.5 / (0.5 + 1.44) = 1.22 / 1.94
        assertEquals(1.22 / 1.94, RougeL.sentence(words("a b"), List.of(words("a b c d"))), EPS);
        // hypothesis longer: P = 1/2, R = 1: 1.22 / (1 + 0.72) = 1.22 / 1.72
        assertEquals(1.22 / 1.72, RougeL.sentence(words("a b c d"), List.of(words("a b"))), EPS);
    }

    @Test
    void multipleReferencesCombineTheBestPrecisionWithTheBestRecall() {
        // ref "a b": P = 1/2, R = 1; ref "a b c d e f g h": P = 1, R = 1/2. COCO takes P = 1 and
        // R = 1 -> 1.0. models/recipe/metrics.py keeps the best per-reference F instead:
        // max(1.22/1.72, 1.22/1.94) = 0.7093.
        assertEquals(1.0, RougeL.sentence(words("a b c d"),
                List.of(words("a b"), words("a b c d e f g h"))), EPS);
    }

    @Test
    void mandarinCharacters() {
        // 我们去 in common: P = R = 3/5
        assertEquals(0.6, RougeL.sentence(ScoringTokens.of("我们去北京"),
                List.of(ScoringTokens.of("我们去上海"))), EPS);
    }

    @Test
    void emptyAndCorpus() {
        assertEquals(0.0, RougeL.sentence(List.of(), List.of(words("a b"))));
        assertEquals(0.0, RougeL.sentence(words("a b"), List.of(List.of())));
        // sentence scores 5/6 and 0 -> mean 5/12
        assertEquals(5.0 / 12, RougeL.corpus(
                List.of(words("the cat sat on the mat"), words("x")),
                List.of(List.of(words("the cat is on the mat")), List.of(words("y")))), EPS);
        assertEquals(0.0, RougeL.corpus(List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> RougeL.sentence(words("a"), List.of()));
    }

    private static List<String> words(String text) {
        return Arrays.asList(text.split(" "));
    }
}
