package sec.inference.text;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which emotion a caption names, from the bundle's lexicon (model.json "emotions": label to the
 * words that name it). English words match whole words; CJK words match as substrings. The first
 * word found in the caption decides.
 */
public final class EmotionLexicon {
    private final Map<String, String> wordToEmotion = new LinkedHashMap<>();

    public EmotionLexicon(Map<String, List<String>> lexicon) {
        lexicon.forEach((emotion, words) -> words.forEach(w -> wordToEmotion.put(w.toLowerCase(java.util.Locale.ROOT), emotion)));
    }

    public Optional<String> find(String caption) {
        String text = caption.toLowerCase(java.util.Locale.ROOT);
        int best = Integer.MAX_VALUE;
        String found = null;
        for (Map.Entry<String, String> e : wordToEmotion.entrySet()) {
            int at = indexOf(text, e.getKey());
            if (at >= 0 && at < best) {
                best = at;
                found = e.getValue();
            }
        }
        return Optional.ofNullable(found);
    }

    private static int indexOf(String text, String word) {
        boolean cjk = CaptionTokenizer.isCjk(word.charAt(0));
        for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
            if (cjk || (boundary(text, at - 1) && boundary(text, at + word.length()))) {
                return at;
            }
        }
        return -1;
    }

    private static boolean boundary(String text, int i) {
        return i < 0 || i >= text.length() || !Character.isLetter(text.charAt(i));
    }
}
