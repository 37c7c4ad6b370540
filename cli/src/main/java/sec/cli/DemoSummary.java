package sec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import sec.schemas.EmotionCaption;
import sec.schemas.Provenance;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/**
 * What a demo run produced: live lines per caption, then the summary table and its JSON. Where the
 * sample calls' script is known (calls.jsonl), each caption's emotion is checked against the turn
 * it overlaps most.
 */
final class DemoSummary {
    /** One scripted turn of a sample call. */
    record Turn(String channel, long startMs, long endMs, String emotion) {}

    private final int calls;
    private final int expected;
    private final Map<String, List<Turn>> script = new HashMap<>();
    private int scored;
    private int emotionsRight;
    private final Map<String, EmotionCaption> captions = new HashMap<>();
    /** Captions per "drafter version / verifier version" (the verifier of the last verdict applied). */
    private final Map<String, Integer> perVersion = new java.util.TreeMap<>();
    private final List<Long> latencies = new ArrayList<>();
    private int duplicates;
    private long deadLetters;
    private long alerts;
    private final int injectedBad;
    /** Blocks sent for verification (utterance#block#epoch → drafted tokens) and those answered. */
    private final Map<String, Integer> requested = new HashMap<>();
    private final Set<String> answered = new HashSet<>();
    private boolean watchedCloud;
    private List<Long> heapMb = List.of();
    private long heapBeforeMb = -1;
    private long heapAfterMb = -1;
    private long restarts = -1;

    DemoSummary(int calls, int expected, int injectedBad) {
        this.calls = calls;
        this.expected = expected;
        this.injectedBad = injectedBad;
    }

    void request(VerifyRequest r) {
        watchedCloud = true;
        requested.put(block(r.getUtteranceId(), r.getBlockId(), r.getEpoch()), r.getDraftTokens().size());
    }

    /** How often the job restarted during the run (-1: unknown). */
    void restarts(long n) {
        restarts = n;
    }

    /** Heap in use after GC, sampled through the run ({@code --watch-heap}). */
    void heap(long beforeMb, List<Long> samplesMb, long afterMb) {
        heapBeforeMb = beforeMb;
        heapMb = samplesMb;
        heapAfterMb = afterMb;
    }

    void verdict(Verdict v) {
        answered.add(block(v.getUtteranceId(), v.getBlockId(), v.getEpoch()));
    }

    private static String block(CharSequence utteranceId, int blockId, int epoch) {
        return utteranceId + "#" + blockId + "#" + epoch;
    }

    /** The scripted turns of a call, for scoring its captions' emotions. */
    void script(String callId, List<Turn> turns) {
        script.put(callId, turns);
    }

    void add(EmotionCaption c, PrintWriter out) {
        if (captions.putIfAbsent(c.getUtteranceId(), c) != null) {
            duplicates++;
            return;
        }
        latencies.add(c.getCaptionLatencyMs());
        perVersion.merge(c.getDrafterModelId() + " / " + (c.getVerifierModelId() == null ? "-" : c.getVerifierModelId()), 1,
                Integer::sum);
        long cloud = c.getProvenance().stream().filter(p -> p == Provenance.VERIFIED || p == Provenance.CORRECTED).count();
        String emotion = c.getEmotion() == null ? "-" : c.getEmotion();
        Turn turn = scriptedTurn(c);
        String check = "";
        if (turn != null) {
            scored++;
            if (turn.emotion().equals(c.getEmotion())) {
                emotionsRight++;
            } else {
                check = " (scripted: " + turn.emotion() + ")";
            }
        }
        out.printf(Locale.ROOT, "%-14s %-8s %6.1fs  %-10s %s%n%39s[%d tokens: %d edge, %d verified/corrected by the cloud, %d unverified]%s%n",
                c.getCallId(), c.getChannel(), c.getStartMs() / 1000.0, emotion, c.getText(), "", c.getTokenIds().size(),
                c.getTokenIds().size() - cloud - c.getTimeouts(), cloud, c.getTimeouts(), check);
        out.flush();
    }

    private Turn scriptedTurn(EmotionCaption c) {
        Turn best = null;
        long bestOverlap = 0;
        for (Turn t : script.getOrDefault(c.getCallId(), List.of())) {
            long overlap = Math.min(t.endMs(), c.getEndMs()) - Math.max(t.startMs(), c.getStartMs());
            if (t.channel().equals(c.getChannel().name()) && overlap > bestOverlap) {
                best = t;
                bestOverlap = overlap;
            }
        }
        return best;
    }

    void deadLetter() {
        deadLetters++;
    }

    void alert() {
        alerts++;
    }

    int captions() {
        return captions.size();
    }

    /** Every utterance captioned and every injected bad record dead-lettered. */
    boolean complete() {
        return captions.size() >= expected && deadLetters >= injectedBad;
    }

    ObjectNode json() {
        int drafted = 0;
        int sent = 0;
        int corrected = 0;
        int timeouts = 0;
        int unverified = 0;
        for (EmotionCaption c : captions.values()) {
            drafted += c.getDrafted();
            sent += c.getSent();
            corrected += c.getCorrected();
            timeouts += c.getTimeouts();
            unverified += c.getTimeouts() > 0 ? 1 : 0;
        }
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("calls", calls);
        o.put("utterances", expected);
        o.put("captions", captions.size());
        o.put("duplicate_captions", duplicates);
        o.put("tokens_drafted", drafted);
        o.put("tokens_sent", sent);
        o.put("rho", drafted == 0 ? 0 : Math.round(1000.0 * sent / drafted) / 1000.0);
        o.put("corrected", corrected);
        o.put("timeouts", timeouts);
        o.put("dead_letters", deadLetters);
        o.put("alerts", alerts);
        o.put("job_restarts", restarts);
        o.put("injected_bad_frames", injectedBad);
        o.put("unverified_captions", unverified);
        if (watchedCloud) {
            unanswered(o);
        }
        o.put("p50_caption_latency_ms", percentile(50));
        o.put("p95_caption_latency_ms", percentile(95));
        o.put("p99_caption_latency_ms", percentile(99));
        if (heapBeforeMb >= 0) {
            o.put("heap_before_mb", heapBeforeMb);
            heapMb.forEach(o.putArray("heap_after_gc_mb")::add);
            o.put("heap_after_mb", heapAfterMb);
        }
        if (scored > 0) {
            o.put("emotion_accuracy", Math.round(1000.0 * emotionsRight / scored) / 1000.0);
        }
        ObjectNode versions = o.putObject("captions_by_model_version");
        perVersion.forEach(versions::put);
        return o;
    }

    /**
     * Blocks the cloud never answered, and the captions that do not show them: each unanswered
     * block's tokens must be in its utterance's caption as UNVERIFIED_TIMEOUT (the last figure must be 0).
     */
    private void unanswered(ObjectNode o) {
        Map<String, Integer> perUtterance = new HashMap<>();
        int blocks = 0;
        int tokens = 0;
        for (var e : requested.entrySet()) {
            if (!answered.contains(e.getKey())) {
                blocks++;
                tokens += e.getValue();
                perUtterance.merge(e.getKey().substring(0, e.getKey().indexOf('#')), e.getValue(), Integer::sum);
            }
        }
        long unmarked = perUtterance.entrySet().stream()
                .filter(e -> captions.get(e.getKey()) == null || captions.get(e.getKey()).getTimeouts() < e.getValue()).count();
        o.put("unanswered_blocks", blocks);
        o.put("unanswered_tokens", tokens);
        o.put("captions_missing_unverified_marks", unmarked);
    }

    private long percentile(int p) {
        if (latencies.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    void printTable(PrintWriter out, double seconds) {
        ObjectNode o = json();
        out.println();
        out.println("summary");
        o.fields().forEachRemaining(e -> out.printf(Locale.ROOT, "  %-34s %s%n", e.getKey(), e.getValue()));
        out.printf(Locale.ROOT, "  %-34s %.1f%n", "run_seconds", seconds);
        out.flush();
    }
}
