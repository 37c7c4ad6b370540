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
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
 * Calls drafted together by the operator make the captions each call drafted at once makes, with
 * verdicts from the real verifier; calls are held until the batch is full, its delay has passed or a
 * checkpoint barrier comes.
 */
class SpeculativeDrafterBatchingTest {
    private static final SpeculationConfig SPEC = SpeculationConfig.builder().tau(0.3).lookahead(1).build();
    private static final Path MODELS = Path.of(System.getProperty("sec.models.dir"));
    private static final int CALLS = 4;
    private static final long DELAY_MS = 3;
    private static Verifier verifier;
    private static VerificationService service;
    private static final List<Utterance> UTTERANCES = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        ModelManifest manifest = ModelManifest.load(MODELS.resolve("bundled"));
        verifier = Verifier.load(manifest);
        service = new VerificationService(verifier, manifest, SPEC);
        List<Path> wavs;
        try (var files = Files.list(MODELS.resolve("eval/en"))) {
            wavs = files.filter(p -> p.toString().endsWith(".wav")).sorted().limit(CALLS).toList();
        }
        for (int i = 0; i < CALLS; i++) {
            float[] samples = WavReader.read(wavs.get(i)).channel(0);
            UTTERANCES.add(new Utterance("call-" + i, "CUSTOMER", "en", 1000, 1000 + samples.length / 8, samples));
        }
    }

    @AfterAll
    static void unload() {
        verifier.close();
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Utterance, Verdict, EmotionCaption> harness(int batchCalls)
            throws Exception {
        DrafterConfig config = new DrafterConfig(MODELS.resolve("bundled").toString(), SPEC, 60_000, true, true)
                .withBatch(batchCalls, DELAY_MS);
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(new SpeculativeDrafter(config), u -> u.callId,
                v -> v.getCallId(), Types.STRING);
        h.setProcessingTime(0);
        h.open();
        return h;
    }

    /** Every call's utterance, then each request answered in turn, time moving on 1 ms a record; the captions by call. */
    private static Map<String, EmotionCaption> run(int batchCalls) throws Exception {
        try (var h = harness(batchCalls)) {
            long now = 0;
            for (Utterance u : UTTERANCES) {
                h.processElement1(u, now);
                h.setProcessingTime(++now);
            }
            Map<String, AcousticContext> contexts = new HashMap<>();
            HarnessRecords.side(h, SpeculativeDrafter.CONTEXTS).forEach(c -> contexts.put(c.getUtteranceId(), c));
            int answered = 0;
            for (int rounds = 0; h.extractOutputValues().size() < CALLS; rounds++) {
                assertTrue(rounds < 10_000, "the calls finish");
                List<VerifyRequest> requests = HarnessRecords.side(h, SpeculativeDrafter.REQUESTS);
                if (answered < requests.size()) {
                    VerifyRequest r = requests.get(answered++);
                    h.processElement2(HarnessRecords.verdict(service, contexts.get(r.getUtteranceId()), r), now);
                }
                now += DELAY_MS;
                h.setProcessingTime(now); // held calls are drafted once their delay has passed
            }
            Map<String, EmotionCaption> byCall = new TreeMap<>();
            h.extractOutputValues().forEach(c -> byCall.put(c.getCallId(), c));
            assertEquals(CALLS, h.numKeyedStateEntries(), "after the captions, only each call's speaker baseline");
            assertEquals(0, h.numProcessingTimeTimers(), "no deadline timers after the captions");
            return byCall;
        }
    }

    @Test
    void callsDraftedTogetherGetTheCaptionsEachGetsAlone() throws Exception {
        Map<String, EmotionCaption> alone = run(1);
        Map<String, EmotionCaption> together = run(CALLS);
        assertEquals(CALLS, together.size());
        int sent = 0;
        for (String call : alone.keySet()) {
            EmotionCaption a = alone.get(call);
            EmotionCaption b = together.get(call);
            assertEquals(a.getTokenIds(), b.getTokenIds(), call + ": " + a.getText() + " vs " + b.getText());
            assertEquals(a.getProvenance(), b.getProvenance(), call);
            assertEquals(a.getSent(), b.getSent(), call);
            sent += a.getSent();
        }
        assertTrue(sent > 0, "tau 0.3 sends blocks: verdicts took part");
    }

    @Test
    void callsAreHeldUntilTheBatchIsFull() throws Exception {
        try (var h = harness(CALLS)) {
            for (int i = 0; i < CALLS - 1; i++) {
                h.processElement1(UTTERANCES.get(i), 0);
            }
            assertEquals(0, HarnessRecords.side(h, SpeculativeDrafter.REQUESTS).size() + h.extractOutputValues().size(),
                    "three calls held for a batch of four");
            h.processElement1(UTTERANCES.get(CALLS - 1), 0);
            long callsWithBlocks = HarnessRecords.side(h, SpeculativeDrafter.REQUESTS).stream().map(VerifyRequest::getCallId).distinct().count()
                    + h.extractOutputValues().size();
            assertTrue(callsWithBlocks >= CALLS - 1, "the fourth call drafted all four: " + callsWithBlocks);
        }
    }

    @Test
    void aHeldCallIsDraftedAfterTheDelayOrBeforeACheckpoint() throws Exception {
        try (var h = harness(CALLS)) {
            h.processElement1(UTTERANCES.get(0), 0);
            assertEquals(0, HarnessRecords.side(h, SpeculativeDrafter.REQUESTS).size());
            h.setProcessingTime(DELAY_MS);
            int afterDelay = HarnessRecords.side(h, SpeculativeDrafter.REQUESTS).size() + h.extractOutputValues().size();
            assertTrue(afterDelay > 0, "drafted once the delay passed");
            h.processElement1(UTTERANCES.get(1), DELAY_MS);
            assertEquals(afterDelay, HarnessRecords.side(h, SpeculativeDrafter.REQUESTS).size() + h.extractOutputValues().size());
            h.prepareSnapshotPreBarrier(1); // what the task does before it sends a barrier on
            h.snapshot(1, DELAY_MS);
            assertTrue(HarnessRecords.side(h, SpeculativeDrafter.REQUESTS).stream().anyMatch(r -> r.getCallId().equals("call-1"))
                    || h.extractOutputValues().stream().anyMatch(c -> c.getCallId().equals("call-1")),
                    "nothing held across a checkpoint barrier");
        }
    }
}
