package sec.inference.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BLEU-1, BLEU-4, METEOR and ROUGE-L of a set of captions, each in percent (0–100, as the recipe's
 * report.json gives BLEU and ROUGE-L). Captions are tokenised by {@link ScoringTokens}; METEOR
 * stems English only. Score one language at a time, as the report does ({@link #byLanguage}):
 * BLEU pools n-gram counts over everything it is given.
 */
public record CaptionScores(int captions, double bleu1, double bleu4, double meteor, double rougeL) {

    /** One caption to score: the system's text, its reference texts, and its language code. */
    public record Sample(String hypothesis, List<String> references, String lang) {
        public Sample {
            references = List.copyOf(references);
            if (references.isEmpty()) {
                throw new IllegalArgumentException("caption has no reference: " + hypothesis);
            }
        }
    }

    public static CaptionScores of(List<Sample> samples) {
        List<List<String>> hyps = new ArrayList<>();
        List<List<List<String>>> refs = new ArrayList<>();
        double meteorSum = 0.0;
        for (Sample s : samples) {
            List<String> hyp = ScoringTokens.of(s.hypothesis());
            List<List<String>> sampleRefs = new ArrayList<>();
            for (String r : s.references()) {
                sampleRefs.add(ScoringTokens.of(r));
            }
            hyps.add(hyp);
            refs.add(sampleRefs);
            meteorSum += Meteor.forLanguage(s.lang()).sentence(hyp, sampleRefs);
        }
        double meteor = samples.isEmpty() ? 0.0 : meteorSum / samples.size();
        return new CaptionScores(
                samples.size(),
                100 * Bleu.corpus(hyps, refs, 1),
                100 * Bleu.corpus(hyps, refs, 4),
                100 * meteor,
                100 * RougeL.corpus(hyps, refs));
    }

    /** Scores per language code, in the order the languages first appear. */
    public static Map<String, CaptionScores> byLanguage(List<Sample> samples) {
        Map<String, List<Sample>> groups = new LinkedHashMap<>();
        for (Sample s : samples) {
            groups.computeIfAbsent(s.lang(), k -> new ArrayList<>()).add(s);
        }
        Map<String, CaptionScores> out = new LinkedHashMap<>();
        groups.forEach((lang, group) -> out.put(lang, of(group)));
        return out;
    }
}
