package sec.inference.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus-level BLEU-n (Papineni et al. 2002) with uniform weights over 1..n, as a fraction in [0, 1].
 *
 * <p>Clipped (modified) n-gram counts are summed over the corpus before dividing: each hypothesis
 * n-gram counts at most as often as it appears in the one reference that has it most often. The
 * brevity penalty compares the total hypothesis length with the total of each sentence's closest
 * reference length, ties going to the shorter reference (sacreBLEU's and NLTK's "closest"). There is
 * no smoothing: a corpus with no matching n-gram of some order up to n scores 0, as in
 * models/recipe/metrics.py (which returns the same value times 100) and sacreBLEU with
 * {@code smooth_method='none'}. NLTK's default differs only there: it returns a tiny positive number
 * instead of 0 when a higher order has no match.
 *
 * <p>Tokens are compared as given (case-sensitive); {@link ScoringTokens} lower-cases captions.
 */
public final class Bleu {
    private Bleu() {}

    /**
     * @param hypotheses one token list per sentence
     * @param references for each sentence, one or more reference token lists
     * @param maxN highest n-gram order, at least 1 (BLEU-1 is 1, BLEU-4 is 4)
     */
    public static double corpus(
            List<List<String>> hypotheses, List<List<List<String>>> references, int maxN) {
        if (maxN < 1) {
            throw new IllegalArgumentException("maxN must be at least 1, was " + maxN);
        }
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException(hypotheses.size() + " hypotheses but "
                    + references.size() + " reference sets");
        }
        long[] matched = new long[maxN];
        long[] total = new long[maxN];
        long hypLength = 0;
        long refLength = 0;
        for (int s = 0; s < hypotheses.size(); s++) {
            List<String> hyp = hypotheses.get(s);
            List<List<String>> refs = references.get(s);
            hypLength += hyp.size();
            refLength += closestReferenceLength(refs, hyp.size());
            for (int n = 1; n <= maxN; n++) {
                matched[n - 1] += clippedMatches(hyp, refs, n);
                total[n - 1] += Math.max(0, hyp.size() - n + 1);
            }
        }
        if (hypLength == 0) {
            return 0.0;
        }
        double logPrecision = 0.0;
        for (int n = 0; n < maxN; n++) {
            if (matched[n] == 0) {
                return 0.0;
            }
            logPrecision += Math.log((double) matched[n] / total[n]) / maxN;
        }
        return brevityPenalty(hypLength, refLength) * Math.exp(logPrecision);
    }

    /** exp(1 - r/c) when the hypotheses are not longer than the references, else 1. */
    static double brevityPenalty(long hypLength, long refLength) {
        return hypLength > refLength ? 1.0 : Math.exp(1.0 - (double) refLength / hypLength);
    }

    /** The reference length nearest the hypothesis length; the shorter one on a tie. */
    static int closestReferenceLength(List<List<String>> refs, int hypLength) {
        if (refs.isEmpty()) {
            throw new IllegalArgumentException("every hypothesis needs at least one reference");
        }
        int best = refs.get(0).size();
        for (List<String> ref : refs) {
            int len = ref.size();
            int diff = Math.abs(len - hypLength);
            int bestDiff = Math.abs(best - hypLength);
            if (diff < bestDiff || (diff == bestDiff && len < best)) {
                best = len;
            }
        }
        return best;
    }

    /** Hypothesis n-grams found in the references, each clipped by its largest count in any one. */
    static long clippedMatches(List<String> hyp, List<List<String>> refs, int n) {
        Map<List<String>, Integer> maxRefCounts = new HashMap<>();
        for (List<String> ref : refs) {
            ngramCounts(ref, n).forEach((gram, c) -> maxRefCounts.merge(gram, c, Math::max));
        }
        long matched = 0;
        for (Map.Entry<List<String>, Integer> e : ngramCounts(hyp, n).entrySet()) {
            matched += Math.min(e.getValue(), maxRefCounts.getOrDefault(e.getKey(), 0));
        }
        return matched;
    }

    static Map<List<String>, Integer> ngramCounts(List<String> tokens, int n) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            counts.merge(List.copyOf(tokens.subList(i, i + n)), 1, Integer::sum);
        }
        return counts;
    }
}
