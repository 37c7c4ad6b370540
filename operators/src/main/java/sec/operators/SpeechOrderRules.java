package sec.operators;

import java.util.ArrayList;
import java.util.List;

/**
 * The alert rules over one channel's captions in the order they were spoken (by start time), not the
 * order they were finished in: under pipelined drafting a caption that waits on the cloud can come out
 * after the next utterance's, so "two consecutive utterances" must be read off the speech. A caption
 * that arrives late fills its place: it can complete a streak or a transition as well as a new one.
 * What cannot be known is an utterance whose caption is still pending: the captions on either side of it
 * count as consecutive until it arrives (an alert, once fired, stays fired).
 */
final class SpeechOrderRules {
    private SpeechOrderRules() {}

    /** An alert due: on which caption, and why; {@code marked}: the captions the firing marked (state to write back). */
    record Match(AlertRule rule, HeardCaption at, String why, List<HeardCaption> marked) {}

    /**
     * The matches {@code heard} (one channel's captions, sorted by start time, including {@code latest})
     * has now that {@code latest} is in, for the rules watching the channel; marks what took part.
     */
    static List<Match> matches(List<AlertRule> rules, String channel, List<HeardCaption> heard, HeardCaption latest) {
        List<Match> out = new ArrayList<>();
        int at = heard.indexOf(latest);
        for (AlertRule r : rules) {
            if (!r.watches(channel)) {
                continue;
            }
            if (r.transition()) {
                transition(r, channel, heard, out);
            } else {
                streak(r, channel, heard, at, out);
            }
        }
        return out;
    }

    /** The run of the rule's emotions around {@code at}: once it is long enough and none of it has fired. */
    private static void streak(AlertRule r, String channel, List<HeardCaption> heard, int at, List<Match> out) {
        if (!r.emotions().contains(heard.get(at).emotion)) {
            return;
        }
        int first = at;
        int last = at;
        while (first > 0 && r.emotions().contains(heard.get(first - 1).emotion)) {
            first--;
        }
        while (last < heard.size() - 1 && r.emotions().contains(heard.get(last + 1).emotion)) {
            last++;
        }
        List<HeardCaption> run = heard.subList(first, last + 1);
        if (run.size() < r.consecutive() || run.stream().anyMatch(h -> h.marked(r.name()))) {
            return;
        }
        run.forEach(h -> h.mark(r.name()));
        HeardCaption latest = heard.get(at);
        out.add(new Match(r, latest, channel + ": " + latest.emotion + " in " + run.size() + " consecutive utterances",
                List.copyOf(run)));
    }

    /**
     * The channel's captions replayed in speech order through the rule (the latest {@code from} caption
     * is a mark; a {@code to} caption within the window after it fires and uses the mark up): every
     * {@code to} caption that fires in the replay and has not fired before fires now. A late caption on
     * either side can so complete a transition.
     */
    private static void transition(AlertRule r, String channel, List<HeardCaption> heard, List<Match> out) {
        String fired = r.name() + ">";
        HeardCaption mark = null;
        for (HeardCaption h : heard) {
            if (r.emotions().contains(h.emotion) && mark != null && h.endMs - mark.endMs <= r.withinMs()) {
                if (!h.marked(fired)) {
                    h.mark(fired);
                    out.add(new Match(r, h, channel + ": " + r.from() + " to " + h.emotion + " within "
                            + (h.endMs - mark.endMs) + " ms", List.of(h)));
                }
                mark = null;
            }
            if (r.from().contains(h.emotion)) {
                mark = h;
            }
        }
    }
}
