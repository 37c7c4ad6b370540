package sec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `sec demo` end to end on the embedded default, shortened to two calls. */
class DemoCommandTest {
    @Test
    void everyUtteranceGetsACaptionAndTheSummaryIsWritten(@TempDir Path tmp) throws Exception {
        Path summary = tmp.resolve("summary.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SecCli.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "demo", "--calls", "2", "--lang", "both", "--fast", "--summary", summary.toString(), "--timeout-s", "300",
                "--metrics-snapshot", tmp.resolve("metrics.txt").toString());
        assertEquals(0, code, out + "\n" + err);
        JsonNode s = new ObjectMapper().readTree(Files.readString(summary));
        for (String key : new String[] {"calls", "utterances", "captions", "tokens_drafted", "tokens_sent", "rho",
                "corrected", "timeouts", "dead_letters", "p50_caption_latency_ms", "p95_caption_latency_ms"}) {
            assertTrue(s.has(key), "summary lacks " + key + ": " + s);
        }
        assertEquals(2, s.get("calls").asInt());
        assertEquals(s.get("utterances").asInt(), s.get("captions").asInt());
        assertEquals(0, s.get("duplicate_captions").asInt());
        assertTrue(s.get("rho").asDouble() > 0 && s.get("rho").asDouble() < 1, s.toString());
        // every alert read is printed as one line, and a customer captioned upset in two consecutive utterances
        // raises one (the default rules); which calls that is depends on what the pair hears and, under UGSD,
        // on which blocks reach the cloud in time, so the expectation is read from the captions themselves
        assertEquals(s.get("alerts").asInt(), out.toString().lines().filter(l -> l.startsWith("ALERT call-0")).count(), out.toString());
        for (String call : callsWithACustomerUpsetTwice(out.toString())) {
            assertTrue(out.toString().lines().anyMatch(l -> l.startsWith("ALERT " + call + " ")),
                    call + "'s customer is captioned upset twice in a row, so an alert is due:\n" + out);
        }
        assertTrue(out.toString().contains("Flink web UI: http://127.0.0.1:"), out.toString());
        double accuracy = s.get("emotion_accuracy").asDouble(-1);
        assertTrue(accuracy >= 0 && accuracy <= 1, "emotions scored against the calls' script: " + s);

        // the pipeline's Flink metrics at the Prometheus endpoint (a healthy run: no timeouts, an idle queue at the end)
        assertTrue(out.toString().contains("metrics: http://127.0.0.1:"), out.toString());
        java.util.Map<String, Double> m = operatorMetrics(tmp.resolve("metrics.txt"));
        assertEquals((double) s.get("tokens_drafted").asInt(), m.get("tokensDrafted"), "the counter agrees with the captions");
        assertEquals((double) s.get("tokens_sent").asInt(), m.get("tokensSent"));
        for (String positive : new String[] {"tokensAccepted", "tokensCorrected", "rho", "acceptanceRate", "gamma", "tau",
                "verificationRoundTripMs_count", "callStateBytes_count", "verifierBatchSize_count"}) {
            assertTrue(m.getOrDefault(positive, 0.0) > 0, positive + " > 0 in " + m);
        }
        for (String present : new String[] {"tokensTimedOut", "verifierQueueDepth", "activeCalls", "verdictsStale"}) {
            assertTrue(m.containsKey(present), present + " is reported: " + m.keySet());
        }
        // verifier.threads auto: the demo's TaskManager has one slot, so the verifier may use every core
        assertEquals(Runtime.getRuntime().availableProcessors(), m.get("verifierThreads"), 0.0);
        assertEquals(1.0, m.get("drafterThreads"), 0.0);
    }

    /**
     * The calls whose customer gets two consecutive captions (by start time) that one of the default
     * streak rules (consecutive=2 on the customer) counts.
     */
    private static java.util.Set<String> callsWithACustomerUpsetTwice(String out) {
        java.util.List<sec.operators.AlertRule> streaks = sec.operators.AlertRule.parse(sec.operators.AlertRule.DEFAULTS).stream()
                .filter(r -> !r.transition() && r.consecutive() == 2 && r.watches("CUSTOMER")).toList();
        java.util.regex.Pattern caption = java.util.regex.Pattern.compile("^(call-\\S+)\\s+CUSTOMER\\s+([\\d.]+)s\\s+(\\S+)\\s");
        java.util.Map<String, java.util.TreeMap<Double, String>> byCall = new java.util.TreeMap<>();
        out.lines().map(caption::matcher).filter(java.util.regex.Matcher::find).forEach(m -> byCall
                .computeIfAbsent(m.group(1), k -> new java.util.TreeMap<>()).put(Double.parseDouble(m.group(2)), m.group(3)));
        java.util.Set<String> calls = new java.util.TreeSet<>();
        byCall.forEach((call, emotions) -> {
            String previous = "";
            for (String e : emotions.values()) {
                String p = previous;
                if (streaks.stream().anyMatch(r -> r.emotions().contains(p) && r.emotions().contains(e))) {
                    calls.add(call);
                }
                previous = e;
            }
        });
        return calls;
    }

    /**
     * {@code --rollout-at}: another bundle (the second drafter) published to both jobs as the call starts
     * (one call in real time: as fast as possible, two calls can be drafted before the load is done); the
     * utterances that start after it is loaded are drafted on it, none lost, no restart, and the
     * drafter's caption metrics carry each version as a label.
     */
    @Test
    void aBundleRolledOutMidDemoDraftsTheUtterancesAfterIt(@TempDir Path tmp) throws Exception {
        // the bundled pair with the second drafter of models/alternate: another bundle, other captions for some utterances
        Path copy = sec.devkit.BundleCopy.of(SecCli.modelsDir().resolve("bundled"), tmp.resolve("v2"));
        sec.devkit.BundleCopy.of(SecCli.modelsDir().resolve("alternate/drafter"), copy.resolve("drafter"));
        Path summary = tmp.resolve("summary.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SecCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), "demo", "--calls", "1",
                "--rollout-at", "0", copy.toString(), "--summary", summary.toString(), "--timeout-s", "300",
                "--metrics-snapshot", tmp.resolve("metrics.txt").toString());
        assertEquals(0, code, out + "\n" + err);
        assertTrue(out.toString().contains("ROLL-OUT sec-emotion-v2-"), out.toString());
        JsonNode s = new ObjectMapper().readTree(Files.readString(summary));
        assertEquals(s.get("utterances").asInt(), s.get("captions").asInt());
        assertEquals(0, s.get("duplicate_captions").asInt());
        assertEquals(0, s.get("job_restarts").asInt());
        int onNew = 0;
        int all = 0;
        for (var e : (Iterable<java.util.Map.Entry<String, JsonNode>>) s.get("captions_by_model_version")::fields) {
            all += e.getValue().asInt();
            onNew += e.getKey().startsWith("sec-emotion-v2-") ? e.getValue().asInt() : 0;
        }
        assertEquals(s.get("captions").asInt(), all, "every caption names its versions: " + s);
        assertTrue(onNew > 0, "utterances drafted on the rolled-out version: " + s.get("captions_by_model_version"));
        String scrape = Files.readString(tmp.resolve("metrics.txt"));
        // Flink's Prometheus reporter writes '-' in label values as '_'
        assertTrue(scrape.contains("operator_modelVersion_tokensDrafted{modelVersion=\"sec_emotion_v2_"), "per-version drafter metrics");
    }

    private static java.util.Map<String, Double> operatorMetrics(Path scrape) throws Exception {
        return OperatorMetrics.parse(Files.readString(scrape));
    }

    /**
     * Bad records among the frames and the cloud unreachable from the start: still one caption per
     * utterance, one dead letter per bad record, and every block the cloud never answered is in its
     * caption as UNVERIFIED_TIMEOUT.
     */
    @Test
    void badFramesAndAVerifierOutageLoseNoCaption(@TempDir Path tmp) throws Exception {
        Path summary = tmp.resolve("summary.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SecCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), "demo", "--calls", "2",
                "--fast", "--inject", "bad-frames=0.05,verifier-outage=20s", "--summary", summary.toString(),
                "--timeout-s", "300", "--metrics-snapshot", tmp.resolve("metrics.txt").toString());
        assertEquals(0, code, out + "\n" + err);
        JsonNode s = new ObjectMapper().readTree(Files.readString(summary));
        assertEquals(s.get("utterances").asInt(), s.get("captions").asInt(), s.toString());
        assertEquals(0, s.get("duplicate_captions").asInt());
        assertTrue(s.get("injected_bad_frames").asInt() > 100, s.toString());
        assertEquals(s.get("injected_bad_frames").asInt(), s.get("dead_letters").asInt(), s.toString());
        assertTrue(s.get("unanswered_blocks").asInt() > 0, "the outage lost requests: " + s);
        assertTrue(s.get("unverified_captions").asInt() > 0, s.toString());
        assertEquals(0, s.get("captions_missing_unverified_marks").asInt(), s.toString());
        assertEquals(0, s.get("job_restarts").asInt(), "bad input and the outage never failed the job: " + s);
        double timedOut = operatorMetrics(tmp.resolve("metrics.txt")).get("tokensTimedOut");
        assertTrue(timedOut > 0, "the outage's blocks are counted as timed out");
        assertEquals((double) s.get("timeouts").asInt(), timedOut, "timed-out tokens counted as the captions mark them");
    }

    /**
     * {@code --warmup-calls}: a wave streamed first through the same broker and jobs, whose captions
     * are awaited and left out of the summary; the measured call is captioned after it as without one.
     */
    @Test
    void aWarmupWaveRunsFirstAndStaysOutOfTheSummary(@TempDir Path tmp) throws Exception {
        Path summary = tmp.resolve("summary.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SecCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), "demo", "--calls", "1",
                "--warmup-calls", "2", "--fast", "--summary", summary.toString(), "--timeout-s", "300");
        assertEquals(0, code, out + "\n" + err);
        assertTrue(out.toString().contains("warm-up first: 2 calls"), out.toString());
        JsonNode s = new ObjectMapper().readTree(Files.readString(summary));
        assertEquals(1, s.get("calls").asInt());
        assertEquals(s.get("utterances").asInt(), s.get("captions").asInt(), s.toString());
        assertEquals(0, s.get("duplicate_captions").asInt());
        assertTrue(out.toString().lines().noneMatch(l -> l.startsWith(DemoWarmup.PREFIX)), "warm-up captions are not listed: " + out);
        assertTrue(out.toString().lines().anyMatch(l -> l.startsWith("call-01-en")), out.toString());
    }

    /**
     * {@code --parallelism 2}: two subtasks of each operator in two slots, the calls spread over both
     * drafters, every utterance captioned once, and each subtask's auto thread budget a half of the cores.
     */
    @Test
    void twoSubtasksShareTheCallsAndTheCores(@TempDir Path tmp) throws Exception {
        Path summary = tmp.resolve("summary.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SecCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), "demo", "--calls", "2",
                "--parallelism", "2", "--fast", "--summary", summary.toString(), "--timeout-s", "300",
                "--metrics-snapshot", tmp.resolve("metrics.txt").toString());
        assertEquals(0, code, out + "\n" + err);
        JsonNode s = new ObjectMapper().readTree(Files.readString(summary));
        assertEquals(s.get("utterances").asInt(), s.get("captions").asInt(), s.toString());
        assertEquals(0, s.get("duplicate_captions").asInt());
        // the scrape sums a gauge over subtasks: two drafters of one thread each, two verifiers of cores / 2 each
        java.util.Map<String, Double> m = operatorMetrics(tmp.resolve("metrics.txt"));
        assertEquals(2.0, m.get("drafterThreads"), 0.0, m.toString());
        assertEquals(2.0 * Math.max(1, Runtime.getRuntime().availableProcessors() / 2), m.get("verifierThreads"), 0.0);
        StringWriter refused = new StringWriter();
        assertEquals(2, SecCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(refused, true),
                "demo", "--parallelism", "0"), "a parallelism below 1 is refused");
        assertTrue(refused.toString().contains("--parallelism must be at least 1"), refused.toString());
    }

    /** A bundle whose decoder is missing: the demo refuses to start, with one line naming the file. */
    @Test
    void aBrokenModelBundleStopsTheJobWithOneLine(@TempDir Path tmp) throws Exception {
        Path bundle = tmp.resolve("bundle");
        Files.createDirectories(bundle);
        Path models = SecCli.modelsDir().resolve("bundled");
        Files.copy(models.resolve("model.json"), bundle.resolve("model.json"));
        Files.copy(models.resolve("tokenizer.json"), bundle.resolve("tokenizer.json"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SecCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), "demo", "--calls", "1",
                "--fast", "--models", bundle.toString());
        assertEquals(2, code, out + "\n" + err);
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().contains(bundle.toString()) && err.toString().contains(".onnx"), err.toString());
    }
}
