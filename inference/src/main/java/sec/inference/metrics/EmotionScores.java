package sec.inference.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether captions name the right emotion: accuracy and macro-F1 (percent, over the labels of the
 * truths), per-label correct counts, and the confusion matrix (rows: the truth; columns: the labels,
 * then {@link #NONE} for a caption that names no emotion or one outside the labels). What a
 * call-center user reads in a caption is its emotion, so this is the first quality figure.
 */
public record EmotionScores(List<String> labels, int[][] confusion) {
    public static final String NONE = "none";

    /** One caption's truth and the emotion it names (null: none). */
    public record Sample(String truth, String named) {}

    /** Scores over {@code samples}; {@code labels} fixes the order (truths outside it are added). */
    public static EmotionScores of(List<String> labels, List<Sample> samples) {
        List<String> all = new ArrayList<>(labels);
        for (Sample s : samples) {
            if (!all.contains(s.truth())) {
                all.add(s.truth());
            }
        }
        int[][] m = new int[all.size()][all.size() + 1];
        for (Sample s : samples) {
            int col = s.named() == null ? all.size() : all.indexOf(s.named());
            m[all.indexOf(s.truth())][col < 0 ? all.size() : col]++;
        }
        return new EmotionScores(List.copyOf(all), m);
    }

    public int captions() {
        int n = 0;
        for (int[] row : confusion) {
            for (int v : row) {
                n += v;
            }
        }
        return n;
    }

    /** The confusion matrix's columns: the labels, then {@link #NONE}. */
    public List<String> columns() {
        List<String> cols = new ArrayList<>(labels);
        cols.add(NONE);
        return cols;
    }

    /** Captions whose truth is {@code label}. */
    public int truths(String label) {
        int i = labels.indexOf(label);
        return i < 0 ? 0 : truths(i);
    }

    private int truths(int k) {
        int n = 0;
        for (int v : confusion[k]) {
            n += v;
        }
        return n;
    }

    public int correct(String label) {
        int i = labels.indexOf(label);
        return i < 0 ? 0 : confusion[i][i];
    }

    /** Percent of captions that name their truth. */
    public double accuracy() {
        int right = 0;
        for (int i = 0; i < labels.size(); i++) {
            right += confusion[i][i];
        }
        int n = captions();
        return n == 0 ? 0 : 100.0 * right / n;
    }

    /** Mean F1 over the labels that occur as a truth, percent. */
    public double macroF1() {
        double sum = 0;
        int present = 0;
        for (int k = 0; k < labels.size(); k++) {
            int truths = truths(k);
            int named = 0;
            for (int[] row : confusion) {
                named += row[k];
            }
            if (truths == 0) {
                continue;
            }
            present++;
            int tp = confusion[k][k];
            sum += tp == 0 ? 0 : 2.0 * tp / (truths + named);
        }
        return present == 0 ? 0 : 100.0 * sum / present;
    }

    /** Correct captions per label, in label order. */
    public Map<String, Integer> correctPerLabel() {
        Map<String, Integer> out = new LinkedHashMap<>();
        labels.forEach(l -> out.put(l, correct(l)));
        return out;
    }
}
