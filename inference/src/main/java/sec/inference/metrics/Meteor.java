package sec.inference.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.tartarus.snowball.ext.PorterStemmer;

/**
 * METEOR as in Banerjee &amp; Lavie 2005, computed the way NLTK's {@code meteor_score} does (NLTK
 * 3.8's nltk/translate/meteor_score.py), with its synonym stage left out:
 *
 * <ul>
 *   <li>tokens are lower-cased, then aligned one-to-one in two stages, exact match and then Porter
 *       stem match on the tokens still unaligned (English only; Mandarin characters are matched
 *       exactly, unstemmed);
 *   <li>each stage is NLTK's greedy pass, not a search for the alignment with the fewest chunks: it
 *       walks the hypothesis from its last token backwards and aligns each token with the last
 *       still-unaligned equal reference token;
 *   <li>Fmean = P·R / (α·P + (1−α)·R) with α = 0.9 (recall-weighted, = 10PR / (R + 9P)); penalty =
 *       γ·(chunks/matches)^β with β = 3, γ = 0.5; score = (1 − penalty)·Fmean, 0 with no match;
 *   <li>several references: the best single-reference score; a corpus: the mean of sentence scores.
 * </ul>
 *
 * <p>Differences to know when comparing numbers: NLTK adds a third stage matching WordNet synonyms,
 * so it scores at least as high wherever a synonym pair is left unaligned: for the "guide to action"
 * doctest example NLTK 3.8 prints 0.6944, as this class computes, while the 2021 doctest printed
 * 0.7398, which is what aligning always/forever as synonyms gives. NLTK's Porter stemmer runs in its
 * "NLTK_EXTENSIONS" mode; this one is the original algorithm (Lucene's Snowball port,
 * {@link PorterStemmer}), so a few rare words stem differently. The METEOR 1.5 jar used by the COCO
 * toolkit is another metric again: paraphrase tables, tuned weights and a chunk-minimising search.
 */
public final class Meteor {
    static final double ALPHA = 0.9;
    static final double BETA = 3.0;
    static final double GAMMA = 0.5;

    private final boolean stemming;

    private Meteor(boolean stemming) {
        this.stemming = stemming;
    }

    /** Exact then Porter-stem matching, for English. */
    public static Meteor english() {
        return new Meteor(true);
    }

    /** Exact matching only, for Mandarin characters (Porter stems mean nothing there). */
    public static Meteor exactOnly() {
        return new Meteor(false);
    }

    /** The variant for a caption language code: stemming for "en", exact matching otherwise. */
    public static Meteor forLanguage(String lang) {
        return "en".equals(lang) ? english() : exactOnly();
    }

    /** Mean of the sentence scores, 0 for an empty corpus. */
    public double corpus(List<List<String>> hypotheses, List<List<List<String>>> references) {
        return SentenceMean.of(hypotheses, references, this::sentence);
    }

    /** The best score against any one of the references. */
    public double sentence(List<String> hypothesis, List<List<String>> references) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("every hypothesis needs at least one reference");
        }
        double best = 0.0;
        for (List<String> ref : references) {
            best = Math.max(best, single(hypothesis, ref));
        }
        return best;
    }

    public double single(List<String> hypothesis, List<String> reference) {
        List<Token> hyp = enumerate(hypothesis);
        List<Token> ref = enumerate(reference);
        List<int[]> matches = new ArrayList<>(alignStage(hyp, ref, UnaryOperator.identity()));
        if (stemming) {
            PorterStemmer stemmer = new PorterStemmer(); // holds state: one per call keeps this thread-safe
            matches.addAll(alignStage(hyp, ref, word -> stem(stemmer, word)));
        }
        if (matches.isEmpty() || hypothesis.isEmpty() || reference.isEmpty()) {
            return 0.0;
        }
        matches.sort(Comparator.comparingInt(m -> m[0]));
        double m = matches.size();
        double precision = m / hypothesis.size();
        double recall = m / reference.size();
        double fmean = precision * recall / (ALPHA * precision + (1 - ALPHA) * recall);
        double penalty = GAMMA * Math.pow(chunks(matches) / m, BETA);
        return (1 - penalty) * fmean;
    }

    /**
     * NLTK's {@code _match_enums}: aligns equal forms greedily from the end of both lists and removes
     * the aligned tokens from {@code hyp} and {@code ref}. Returns (hypothesis index, reference index)
     * pairs.
     */
    static List<int[]> alignStage(List<Token> hyp, List<Token> ref, UnaryOperator<String> form) {
        List<String> refForms = new ArrayList<>();
        for (Token t : ref) {
            refForms.add(form.apply(t.word()));
        }
        List<int[]> matches = new ArrayList<>();
        for (int i = hyp.size() - 1; i >= 0; i--) {
            String h = form.apply(hyp.get(i).word());
            for (int j = ref.size() - 1; j >= 0; j--) {
                if (h.equals(refForms.get(j))) {
                    matches.add(new int[] {hyp.get(i).index(), ref.get(j).index()});
                    hyp.remove(i);
                    ref.remove(j);
                    refForms.remove(j);
                    break;
                }
            }
        }
        return matches;
    }

    /** Runs of matches adjacent in both hypothesis and reference; matches sorted by hypothesis. */
    static int chunks(List<int[]> matches) {
        int chunks = 1;
        for (int k = 1; k < matches.size(); k++) {
            int[] prev = matches.get(k - 1);
            int[] cur = matches.get(k);
            if (cur[0] != prev[0] + 1 || cur[1] != prev[1] + 1) {
                chunks++;
            }
        }
        return chunks;
    }

    private static String stem(PorterStemmer stemmer, String word) {
        stemmer.setCurrent(word);
        stemmer.stem();
        return stemmer.getCurrent();
    }

    private static List<Token> enumerate(List<String> words) {
        List<Token> out = new ArrayList<>(words.size());
        for (int i = 0; i < words.size(); i++) {
            out.add(new Token(i, words.get(i).toLowerCase(Locale.ROOT)));
        }
        return out;
    }

    record Token(int index, String word) {}
}
