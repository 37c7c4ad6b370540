package sec.inference.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a caption into the tokens the caption metrics count, exactly as the recipe's
 * {@code metrics.eval_tokens} (models/recipe/metrics.py, via tokenizer.pieces) does, so Java and
 * Python scores agree:
 *
 * <ul>
 *   <li>the text is lower-cased;
 *   <li>whitespace separates words;
 *   <li>each CJK ideograph (U+4E00–9FFF, U+3400–4DBF, U+F900–FAFF) is a token of its own, so Mandarin
 *       is scored by characters while digits and Latin letters inside it stay whole words;
 *   <li>punctuation (ASCII symbols {@code !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~} and every Unicode
 *       punctuation category, which covers full-width 。，！？、：；“”) splits words and is dropped.
 * </ul>
 *
 * <p>The rule is the same for every language, as in the recipe. Apostrophes are punctuation here:
 * "don't" scores as "don", "t", because that is what the recipe's tokenizer does; keeping them inside
 * words would make the Java and Python scores disagree.
 */
public final class ScoringTokens {
    private ScoringTokens() {}

    public static List<String> of(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        String lower = text.toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length(); ) {
            int cp = lower.codePointAt(i);
            i += Character.charCount(cp);
            boolean cjk = isCjk(cp);
            if (isSpace(cp) || cjk || isPunctuation(cp)) {
                if (word.length() > 0) {
                    out.add(word.toString());
                    word.setLength(0);
                }
                if (cjk) {
                    out.add(new String(Character.toChars(cp)));
                }
            } else {
                word.appendCodePoint(cp);
            }
        }
        if (word.length() > 0) {
            out.add(word.toString());
        }
        return out;
    }

    static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0xF900 && cp <= 0xFAFF);
    }

    /** ASCII symbols count as punctuation even where Unicode calls them symbols ($, +, ^ ...). */
    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96)
                || (cp >= 123 && cp <= 126)) {
            return true;
        }
        switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION:
            case Character.DASH_PUNCTUATION:
            case Character.START_PUNCTUATION:
            case Character.END_PUNCTUATION:
            case Character.INITIAL_QUOTE_PUNCTUATION:
            case Character.FINAL_QUOTE_PUNCTUATION:
            case Character.OTHER_PUNCTUATION:
                return true;
            default:
                return false;
        }
    }

    /** Python's str.isspace: Java's whitespace plus no-break and other space separators, and NEL. */
    static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }
}
