package sec.inference.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected tokens are what models/recipe/metrics.py's eval_tokens returns for the same text. */
class ScoringTokensTest {

    @Test
    void englishIsLowerCasedWordsWithPunctuationDropped() {
        assertEquals(List.of("a", "dog", "barking", "loudly"),
                ScoringTokens.of("A dog,  barking!\tLoudly."));
    }

    @Test
    void apostropheSplitsAWordAsInTheRecipe() {
        assertEquals(List.of("don", "t", "stop"), ScoringTokens.of("Don't stop"));
    }

    @Test
    void asciiSymbolsAreDroppedButOtherSymbolsStayInTheWord() {
        // The recipe counts every printable ASCII non-alphanumeric as punctuation, and outside ASCII
        // only Unicode punctuation categories: the degree sign (a symbol) stays.
        assertEquals(List.of("5", "3", "30°c"), ScoringTokens.of("$5+3 30°C"));
    }

    @Test
    void mandarinIsOneTokenPerCharacterWithoutFullWidthPunctuation() {
        assertEquals(List.of("你", "好", "世", "界", "好"),
                ScoringTokens.of("你好，世界！“好”？、：；。"));
    }

    @Test
    void digitsAndLatinInsideMandarinStayWords() {
        assertEquals(List.of("我", "有", "3", "个", "iphone15"), ScoringTokens.of("我有3个iPhone15。"));
    }

    @Test
    void unicodeSpacesSeparateWords() {
        assertEquals(List.of("a", "b", "c"), ScoringTokens.of("a\u00a0b\u3000c"));
    }

    @Test
    void blankTextHasNoTokens() {
        assertEquals(List.of(), ScoringTokens.of(""));
        assertEquals(List.of(), ScoringTokens.of(" 。, "));
    }
}
