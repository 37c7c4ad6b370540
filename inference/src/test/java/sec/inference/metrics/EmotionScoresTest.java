package sec.inference.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class EmotionScoresTest {
    private static final List<String> LABELS = List.of("calm", "sad", "angry");

    private static EmotionScores.Sample s(String truth, String named) {
        return new EmotionScores.Sample(truth, named);
    }

    @Test
    void accuracyMacroF1AndTheConfusionMatrixByHand() {
        EmotionScores e = EmotionScores.of(LABELS, List.of(
                s("calm", "calm"), s("calm", "sad"), s("calm", null),
                s("sad", "sad"), s("sad", "sad"),
                s("angry", "angry"), s("angry", "calm")));
        assertEquals(7, e.captions());
        assertEquals(100.0 * 4 / 7, e.accuracy(), 1e-9);
        // F1 = 2tp / (truths + named): calm 2/(3+2), sad 4/(2+3), angry 2/(2+1)
        assertEquals(100.0 * (2.0 / 5 + 4.0 / 5 + 2.0 / 3) / 3, e.macroF1(), 1e-9);
        assertArrayEquals(new int[] {1, 1, 0, 1}, e.confusion()[0], "calm: right, as sad, none");
        assertArrayEquals(new int[] {1, 0, 1, 0}, e.confusion()[2]);
        assertEquals(List.of(1, 2, 1), List.copyOf(e.correctPerLabel().values()));
    }

    @Test
    void aLabelNeverSpokenIsLeftOutOfMacroF1AndUnknownNamesCountAsNone() {
        EmotionScores e = EmotionScores.of(LABELS, List.of(s("calm", "calm"), s("calm", "bored")));
        assertEquals(50.0, e.accuracy(), 1e-9);
        assertEquals(100.0 * (2.0 / 3), e.macroF1(), 1e-9, "only calm is a truth");
        assertEquals(1, e.confusion()[0][3], "'bored' is not a label: none");
    }

    @Test
    void truthsOutsideTheLabelsAreAdded() {
        EmotionScores e = EmotionScores.of(LABELS, List.of(s("bored", "calm")));
        assertEquals(List.of("calm", "sad", "angry", "bored"), e.labels());
        assertEquals(0.0, e.accuracy(), 1e-9);
    }
}
