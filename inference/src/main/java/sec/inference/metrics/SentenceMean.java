package sec.inference.metrics;

import java.util.List;
import java.util.function.BiFunction;

/** A corpus score as the mean of sentence scores (METEOR, ROUGE-L); 0 for an empty corpus. */
final class SentenceMean {
    private SentenceMean() {}

    static double of(List<List<String>> hypotheses, List<List<List<String>>> references,
            BiFunction<List<String>, List<List<String>>, Double> sentence) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException(hypotheses.size() + " hypotheses but "
                    + references.size() + " reference sets");
        }
        double sum = 0.0;
        for (int s = 0; s < hypotheses.size(); s++) {
            sum += sentence.apply(hypotheses.get(s), references.get(s));
        }
        return hypotheses.isEmpty() ? 0.0 : sum / hypotheses.size();
    }
}
