package sec.operators;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * A final caption as the alert rules remember it (a Flink POJO in the alerter's keyed state): when it
 * was said, what it names, and which rules it has already taken part in, so that a match fires once.
 */
public class HeardCaption {
    public String utteranceId;
    public long startMs;
    public long endMs;
    public String emotion;
    /** Comma-separated marks: {@code rule} (in a streak that fired), {@code rule>} (the to side of a transition that fired). */
    public String marks = "";

    public HeardCaption() {}

    HeardCaption(String utteranceId, long startMs, long endMs, String emotion) {
        this.utteranceId = utteranceId;
        this.startMs = startMs;
        this.endMs = endMs;
        this.emotion = emotion;
    }

    boolean marked(String mark) {
        return marks().contains(mark);
    }

    void mark(String mark) {
        Set<String> m = marks();
        m.add(mark);
        marks = String.join(",", m);
    }

    private Set<String> marks() {
        return marks.isEmpty() ? new TreeSet<>() : new TreeSet<>(Arrays.asList(marks.split(",")));
    }
}
