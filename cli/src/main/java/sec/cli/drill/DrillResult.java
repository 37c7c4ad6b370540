package sec.cli.drill;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Locale;

/**
 * What a drill found: per fault its kind, when, what was done, the time to the next new caption and
 * the job restarts it caused; in total the utterances streamed, the captions read (read_committed),
 * how many were lost, duplicated, committed without a verdict (edge-only timeouts), or differ from
 * the clean run. Written as JSON and as a Markdown table.
 */
public record DrillResult(long seed, int rounds, int utterances, int captions, int lost, int duplicated, int edgeOnlyTimeouts,
        int differing, int unexpected, List<String> differingExamples, List<String> unexpectedExamples, List<Fault> faults,
        double seconds) {

    /**
     * One injected fault: the time to the first caption of an utterance that ended after it, and to
     * the first such caption with a block the cloud verified (the whole path back); -1: none within
     * the limit. {@code restarts} -1: unknown.
     */
    public record Fault(int n, FaultKind kind, double atS, String detail, long recoveryMs, long verifiedRecoveryMs, int restarts) {}

    /** Nothing lost, duplicated or different, and every fault followed by a new caption. */
    public boolean passed() {
        return lost == 0 && duplicated == 0 && differing == 0 && unexpected == 0
                && faults.stream().allMatch(f -> f.recoveryMs() >= 0 && f.verifiedRecoveryMs() >= 0);
    }

    public String json() {
        try {
            var mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            var root = mapper.createObjectNode();
            root.put("seed", seed).put("rounds", rounds).put("utterances", utterances).put("captions", captions)
                    .put("lost", lost).put("duplicated", duplicated).put("edge_only_timeouts", edgeOnlyTimeouts)
                    .put("differing_from_clean_run", differing).put("unexpected", unexpected).put("seconds", Math.round(seconds))
                    .put("passed", passed());
            root.set("differing_examples", mapper.valueToTree(differingExamples));
            root.set("unexpected_examples", mapper.valueToTree(unexpectedExamples));
            var list = root.putArray("faults");
            for (Fault f : faults) {
                list.addObject().put("n", f.n()).put("kind", f.kind().label()).put("at_s", Math.round(f.atS()))
                        .put("detail", f.detail()).put("to_first_new_caption_ms", f.recoveryMs())
                        .put("to_first_new_verified_caption_ms", f.verifiedRecoveryMs()).put("restarts", f.restarts());
            }
            return mapper.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String seconds(long ms) {
        return ms < 0 ? "never" : String.format(Locale.ROOT, "%.1f", ms / 1e3);
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Fault drill, seed %d: %d faults in %.0f s, %d rounds of the bundled calls%n%n",
                seed, faults.size(), seconds, rounds));
        md.append("| # | fault | at (s) | what | first new caption (s) | first new cloud-verified caption (s) | restarts |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (Fault f : faults) {
            md.append(String.format(Locale.ROOT, "| %d | %s | %.0f | %s | %s | %s | %s |%n", f.n(), f.kind().label(), f.atS(), f.detail(),
                    seconds(f.recoveryMs()), seconds(f.verifiedRecoveryMs()), f.restarts() < 0 ? "?" : String.valueOf(f.restarts())));
        }
        md.append(String.format(Locale.ROOT, "%n| utterances | captions | lost | duplicated | edge-only timeouts | differ from the clean run | result |%n"
                + "|---|---|---|---|---|---|---|%n| %d | %d | %d | %d | %d | %d | %s |%n",
                utterances, captions, lost, duplicated, edgeOnlyTimeouts, differing, passed() ? "passed" : "FAILED"));
        return md.toString();
    }
}
