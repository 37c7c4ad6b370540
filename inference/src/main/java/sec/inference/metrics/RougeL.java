package sec.inference.metrics;

import java.util.List;

/**
 * ROUGE-L as the COCO caption toolkit computes it (pycocoevalcap/rouge/rouge.py, {@code Rouge}):
 * for each reference, precision = LCS/|hypothesis| and recall = LCS/|reference|; the sentence
 * score is the F-measure of the <em>largest</em> precision and the <em>largest</em> recall over the
 * references (which may come from different references), F = (1+β²)·P·R / (R + β²·P) with β = 1.2;
 * 0 when either is 0. The corpus score is the mean of sentence scores. Values are in [0, 1].
 *
 * <p>models/recipe/metrics.py's {@code rouge_l} instead keeps the best per-reference F-measure;
 * the two agree with one reference and can differ with several (see RougeLTest).
 */
public final class RougeL {
    static final double BETA = 1.2;

    private RougeL() {}

    public static double corpus(List<List<String>> hypotheses, List<List<List<String>>> references) {
        return SentenceMean.of(hypotheses, references, RougeL::sentence);
    }

    public static double sentence(List<String> hypothesis, List<List<String>> references) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("every hypothesis needs at least one reference");
        }
        double maxPrecision = 0.0;
        double maxRecall = 0.0;
        for (List<String> ref : references) {
            int lcs = lcs(hypothesis, ref);
            if (lcs > 0) { // lcs > 0 implies both lists are non-empty
                maxPrecision = Math.max(maxPrecision, (double) lcs / hypothesis.size());
                maxRecall = Math.max(maxRecall, (double) lcs / ref.size());
            }
        }
        if (maxPrecision == 0.0 || maxRecall == 0.0) {
            return 0.0;
        }
        double b2 = BETA * BETA;
        return (1 + b2) * maxPrecision * maxRecall / (maxRecall + b2 * maxPrecision);
    }

    /** Length of the longest common subsequence, in O(|a|·|b|) time and O(|b|) memory. */
    static int lcs(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (String x : a) {
            for (int j = 1; j <= b.size(); j++) {
                cur[j] = x.equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.size()];
    }
}
