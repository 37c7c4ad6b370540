package sec.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sec.inference.audio.WavReader;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.verify.VerificationService;
import sec.inference.model.ModelManifest;
import sec.inference.verifier.Verifier;
import sec.schemas.AcousticContext;
import sec.schemas.EmotionCaption;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/**
 * The drafter's keyed state moves when the job is rescaled: six calls, each with a block waiting for its
 * verdict, snapshotted on 2 subtasks and restored on 4 or on 1; the verdicts that come after the
 * restore finish every call with the caption an uninterrupted run on one subtask makes.
 */
class SpeculativeDrafterRescaleTest {
    private static final int MAX_PARALLELISM = 128;
    private static final int CALLS = 6;
    private static final SpeculationConfig SPEC = SpeculationConfig.builder().tau(0.3).build();
    private static final Path MODELS = Path.of(System.getProperty("sec.models.dir"));
    private static Verifier verifier;
    private static VerificationService service;
    private static float[] samples;

    @BeforeAll
    static void load() throws Exception {
        ModelManifest manifest = ModelManifest.load(MODELS.resolve("bundled"));
        verifier = Verifier.load(manifest);
        service = new VerificationService(verifier, manifest, SPEC);
        try (var files = Files.list(MODELS.resolve("eval/en"))) {
            samples = WavReader.read(files.filter(p -> p.toString().endsWith(".wav")).sorted().findFirst().orElseThrow()).channel(0);
        }
    }

    @AfterAll
    static void unload() {
        verifier.close();
    }

    /** The subtasks of one parallelism, a record routed to the one that owns its call (as keyBy does). */
    private static final class Subtasks {
        final List<KeyedTwoInputStreamOperatorTestHarness<String, Utterance, Verdict, EmotionCaption>> h = new ArrayList<>();
        final Map<String, AcousticContext> contexts = new HashMap<>();
        final List<VerifyRequest> waiting = new ArrayList<>();

        Subtasks(int parallelism, OperatorSubtaskState restored) throws Exception {
            for (int i = 0; i < parallelism; i++) {
                DrafterConfig config = new DrafterConfig(MODELS.resolve("bundled").toString(), SPEC, 60_000, true, true).withBatch(1, 0);
                var one = new KeyedTwoInputStreamOperatorTestHarness<>(new SpeculativeDrafter(config), (Utterance u) -> u.callId,
                        (Verdict v) -> v.getCallId(), Types.STRING, MAX_PARALLELISM, parallelism, i);
                one.setProcessingTime(0);
                if (restored != null) {
                    one.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(restored, MAX_PARALLELISM, 2,
                            parallelism, i));
                }
                one.open();
                h.add(one);
            }
        }

        KeyedTwoInputStreamOperatorTestHarness<String, Utterance, Verdict, EmotionCaption> owner(String call) {
            return h.get(KeyGroupRangeAssignment.assignKeyToParallelOperator(call, MAX_PARALLELISM, h.size()));
        }

        /** New requests and contexts since the last look, from every subtask. */
        void collect() {
            for (var one : h) {
                HarnessRecords.side(one, SpeculativeDrafter.CONTEXTS).forEach(c -> contexts.put(c.getUtteranceId(), c));
                for (VerifyRequest r : HarnessRecords.side(one, SpeculativeDrafter.REQUESTS)) {
                    if (!waiting.contains(r)) {
                        waiting.add(r);
                    }
                }
            }
        }

        /** Answers the oldest waiting request of each call, once. */
        void answerOneEach(Map<String, AcousticContext> ctx, List<VerifyRequest> answered) throws Exception {
            Map<String, VerifyRequest> first = new TreeMap<>();
            for (VerifyRequest r : waiting) {
                if (!answered.contains(r)) {
                    first.putIfAbsent(r.getCallId(), r);
                }
            }
            for (VerifyRequest r : first.values()) {
                answered.add(r);
                owner(r.getCallId()).processElement2(HarnessRecords.verdict(service, ctx.get(r.getUtteranceId()), r), 0);
            }
        }

        Map<String, List<Integer>> captions() {
            Map<String, List<Integer>> out = new TreeMap<>();
            for (var one : h) {
                one.extractOutputValues().forEach(c -> out.put(c.getCallId(), c.getTokenIds()));
            }
            return out;
        }

        void close() throws Exception {
            for (var one : h) {
                one.close();
            }
        }
    }

    /** Every call started, each one verdict in, then (with {@code to} > 0) rescaled from 2 subtasks to {@code to}; run to the end. */
    private static Map<String, List<Integer>> run(int to) throws Exception {
        Subtasks s = new Subtasks(to > 0 ? 2 : 1, null);
        for (int c = 0; c < CALLS; c++) {
            String call = "call-" + c;
            s.owner(call).processElement1(new Utterance(call, "CUSTOMER", "en", 1000, 1000 + samples.length / 8, samples), 0);
        }
        List<VerifyRequest> answered = new ArrayList<>();
        s.collect();
        s.answerOneEach(s.contexts, answered);
        s.collect();
        if (to > 0) {
            assertTrue(s.waiting.size() > answered.size(), "blocks wait for their verdicts at the snapshot");
            OperatorSubtaskState snapshot = AbstractStreamOperatorTestHarness.repackageState(
                    s.h.get(0).snapshot(1, 1), s.h.get(1).snapshot(1, 1));
            Map<String, AcousticContext> contexts = s.contexts;
            List<VerifyRequest> waiting = s.waiting;
            s.close();
            s = new Subtasks(to, snapshot);
            s.contexts.putAll(contexts);
            s.waiting.addAll(waiting);
        }
        for (int round = 0; s.captions().size() < CALLS; round++) {
            assertTrue(round < 200, "every call finishes");
            s.answerOneEach(s.contexts, answered);
            s.collect();
        }
        int timers = 0;
        int state = 0;
        for (var one : s.h) {
            timers += one.numProcessingTimeTimers();
            state += one.numKeyedStateEntries();
        }
        assertEquals(0, timers, "no deadline left on any subtask");
        assertEquals(CALLS, state, "only each call's speaker baseline");
        Map<String, List<Integer>> out = s.captions();
        s.close();
        return out;
    }

    @ParameterizedTest(name = "2 subtasks -> {0}")
    @ValueSource(ints = {4, 1})
    void rescaledMidCallEveryCallGetsTheCaptionOfAnUninterruptedRun(int to) throws Exception {
        Map<String, List<Integer>> uninterrupted = run(0);
        assertEquals(CALLS, uninterrupted.size());
        assertEquals(uninterrupted, run(to));
    }
}
