package sec.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import sec.inference.audio.G711;
import sec.inference.audio.PcmAudio;
import sec.inference.audio.PcmCodec;
import sec.inference.audio.WavReader;
import sec.schemas.AudioEncoding;
import sec.schemas.AudioFrame;
import sec.schemas.Channel;
import sec.schemas.DeadLetter;

class UtteranceSegmenterTest {
    private static final int FRAME = 160;
    private static final long TIMEOUT_MS = 5_000;
    private static final int MAX_CALLS = 2;
    private KeyedOneInputStreamOperatorTestHarness<String, AudioFrame, Utterance> harness;

    @BeforeEach
    void open() throws Exception {
        harness = harness();
        harness.open();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AudioFrame, Utterance> harness() throws Exception {
        SegmenterConfig config = new SegmenterConfig(8000, 12.0, 8, TIMEOUT_MS, 4096, 64, MAX_CALLS, "en", "frames");
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new UtteranceSegmenter(config)),
                AudioFrame::getCallId, Types.STRING);
    }

    @Test
    void aRestoreMidTurnYieldsTheSameUtterances() throws Exception {
        List<AudioFrame> frames = customerFrames("call-4", true);
        for (AudioFrame f : frames) {
            harness.processElement(f, f.getStartMs());
        }
        List<Utterance> uninterrupted = harness.extractOutputValues();
        harness.close();

        harness = harness();
        harness.open();
        int cut = 300; // 6 s: inside the first customer turn, with frames waiting in the reorder window
        for (AudioFrame f : frames.subList(0, cut)) {
            harness.processElement(f, f.getStartMs());
        }
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        List<Utterance> before = new ArrayList<>(harness.extractOutputValues());
        harness.close();
        harness = harness();
        harness.initializeState(snapshot);
        harness.open();
        for (AudioFrame f : frames.subList(cut, frames.size())) {
            harness.processElement(f, f.getStartMs());
        }
        List<Utterance> restored = new ArrayList<>(before);
        restored.addAll(harness.extractOutputValues());
        assertEquals(uninterrupted.size(), restored.size());
        for (int i = 0; i < restored.size(); i++) {
            assertEquals(uninterrupted.get(i).utteranceId, restored.get(i).utteranceId);
            assertTrue(Arrays.equals(uninterrupted.get(i).samples, restored.get(i).samples), restored.get(i).toString());
        }
        harness.setProcessingTime(TIMEOUT_MS + 1);
        assertEquals(0, harness.numKeyedStateEntries());
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** The customer channel of the first demo call, 20 ms mu-law frames. */
    private static List<AudioFrame> customerFrames(String callId, boolean withLast) throws Exception {
        PcmAudio call = WavReader.read(Path.of(System.getProperty("sec.models.dir"), "calls").resolve("call-01-en.wav"));
        byte[] mu = G711.linearToMulaw(PcmCodec.toPcm16(call.channel(1)));
        List<AudioFrame> out = new ArrayList<>();
        for (int seq = 0; (seq + 1) * FRAME <= mu.length; seq++) {
            out.add(frame(callId, seq, Arrays.copyOfRange(mu, seq * FRAME, (seq + 1) * FRAME), AudioEncoding.MULAW, false));
        }
        if (withLast) {
            out.get(out.size() - 1).setLast(true);
        }
        return out;
    }

    private static AudioFrame frame(String callId, long seq, byte[] payload, AudioEncoding enc, boolean last) {
        return AudioFrame.newBuilder().setCallId(callId).setChannel(Channel.CUSTOMER).setSeq(seq).setStartMs(seq * 20)
                .setSampleRate(8000).setEncoding(enc).setPayload(ByteBuffer.wrap(payload)).setLast(last)
                .setLanguage("en").build();
    }

    @Test
    void aCallEndingWithItsLastFrameYieldsEveryTurnAndLeavesNoState() throws Exception {
        for (AudioFrame f : customerFrames("call-1", true)) {
            harness.processElement(f, f.getStartMs());
        }
        List<Utterance> out = harness.extractOutputValues();
        assertEquals(6, out.size(), "six customer turns in call-01");
        assertTrue(out.get(0).utteranceId.startsWith("call-1/CUSTOMER/"), out.get(0).utteranceId);
        assertEquals("en", out.get(0).language);
        harness.setProcessingTime(TIMEOUT_MS + 1);
        assertEquals(6, harness.extractOutputValues().size());
        assertEquals(0, harness.numKeyedStateEntries(), "state cleared one timeout after the call ended");
        assertEquals(0, harness.numProcessingTimeTimers());
    }

    @Test
    void framesReSentAfterTheLastFrameAreDroppedNotCaptionedAgain() throws Exception {
        List<AudioFrame> frames = customerFrames("call-5", true);
        for (AudioFrame f : frames) {
            harness.processElement(f, f.getStartMs());
        }
        int turns = harness.extractOutputValues().size();
        for (AudioFrame f : frames.subList(200, 400)) { // a producer retrying a stretch of the call
            harness.processElement(f, f.getStartMs());
        }
        harness.setProcessingTime(TIMEOUT_MS + 1);
        assertEquals(turns, harness.extractOutputValues().size());
        assertEquals(0, harness.getSideOutput(UtteranceSegmenter.DEAD_LETTERS) == null ? 0
                : harness.getSideOutput(UtteranceSegmenter.DEAD_LETTERS).size());
        assertEquals(0, harness.numKeyedStateEntries());
    }

    @Test
    void eachKindOfBadFrameIsDeadLetteredWithItsReasonAndTheCallGoesOn() throws Exception {
        List<AudioFrame> frames = customerFrames("call-6", true);
        byte[] ok = new byte[FRAME];
        AudioFrame badRate = frame("call-6", 9_000_004, ok, AudioEncoding.MULAW, false);
        badRate.setSampleRate(100);
        List<AudioFrame> bad = List.of(
                frame("", 9_000_000, ok, AudioEncoding.MULAW, false),
                frame("x".repeat(10_240), 9_000_001, ok, AudioEncoding.MULAW, false),
                frame("call-6", 9_000_002, new byte[0], AudioEncoding.MULAW, false),
                frame("call-6", 9_000_003, new byte[FRAME + 1], AudioEncoding.PCM16LE, false),
                badRate);
        List<String> reasons = List.of("empty call id", "10240 characters exceeds 64", "empty payload",
                "not a whole number", "100 Hz");
        for (int i = 0; i < frames.size(); i++) {
            harness.processElement(frames.get(i), frames.get(i).getStartMs());
            if (i % 100 == 50 && i / 100 < bad.size()) {
                AudioFrame b = bad.get(i / 100);
                harness.processElement(b, b.getStartMs());
            }
        }
        List<DeadLetter> dead = new ArrayList<>();
        harness.getSideOutput(UtteranceSegmenter.DEAD_LETTERS).forEach(r -> dead.add(r.getValue()));
        assertEquals(bad.size(), dead.size());
        for (int i = 0; i < bad.size(); i++) {
            assertTrue(dead.get(i).getReason().contains(reasons.get(i)), dead.get(i).getReason());
            assertTrue(dead.get(i).getReason().length() < 200, "an overlong call id is cut in the reason");
        }
        assertEquals(6, harness.extractOutputValues().size(), "the call's six turns, as without the bad frames");
    }

    @Test
    void aCallThatNeverEndsIsClosedOnceTheInputHasMovedOnByTheTimeout() throws Exception {
        List<AudioFrame> frames = customerFrames("call-2", false);
        harness.setProcessingTime(1_000);
        long t0 = 1_700_000_000_000L; // the frames' record timestamps: when the telephony side sent them
        for (AudioFrame f : frames.subList(0, 300)) { // 6 s: into the first turn (4.3 s - 6.8 s)
            harness.processElement(f, t0 + f.getStartMs());
        }
        assertEquals(0, harness.extractOutputValues().size(), "the turn is still open");
        assertEquals(1, harness.numProcessingTimeTimers());
        harness.setProcessingTime(1_000 + TIMEOUT_MS + 1);
        assertEquals(0, harness.extractOutputValues().size(), "no other frame came: the input may be stalled, the turn waits");
        AudioFrame other = frame("call-9", 0, new byte[FRAME], AudioEncoding.MULAW, false);
        harness.processElement(other, t0 + frames.get(299).getStartMs() + TIMEOUT_MS); // another call, a timeout later
        harness.setProcessingTime(1_000 + 2 * TIMEOUT_MS + 1);
        assertEquals(List.of("call-2"), harness.extractOutputValues().stream().map(u -> u.callId).toList(), "flushed by the timeout");
        assertEquals(1, harness.numProcessingTimeTimers(), "only call-9's");
    }

    @Test
    void aStalledInputCutsNoUtteranceEvenAcrossARestore() throws Exception {
        List<AudioFrame> frames = customerFrames("call-5", true);
        long t0 = 1_700_000_000_000L;
        for (AudioFrame f : frames) {
            harness.processElement(f, t0 + f.getStartMs());
        }
        List<Utterance> uninterrupted = harness.extractOutputValues();
        harness.close();

        harness = harness();
        harness.open();
        harness.setProcessingTime(1_000);
        int cut = 300; // inside the first customer turn
        for (AudioFrame f : frames.subList(0, cut)) {
            harness.processElement(f, t0 + f.getStartMs());
        }
        harness.setProcessingTime(1_000 + 3 * TIMEOUT_MS); // the broker is down: nothing arrives for three timeouts
        assertEquals(0, harness.extractOutputValues().size(), "a stalled input closes no call");
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = harness(); // restored minutes later: the restored timer is due at once
        harness.setProcessingTime(1_000 + 20 * TIMEOUT_MS);
        harness.initializeState(snapshot);
        harness.open();
        harness.setProcessingTime(1_000 + 20 * TIMEOUT_MS + 1);
        for (AudioFrame f : frames.subList(cut, frames.size())) { // the frames the outage held back, stamped when they were sent
            harness.processElement(f, t0 + f.getStartMs());
        }
        List<Utterance> restored = harness.extractOutputValues();
        assertEquals(uninterrupted.stream().map(u -> u.utteranceId).toList(), restored.stream().map(u -> u.utteranceId).toList(),
                "the same utterances, none cut in two");
    }

    @Test
    void withNoInputAtAllACallClosesAtTheStallLimit() throws Exception {
        List<AudioFrame> frames = customerFrames("call-6", false);
        harness.setProcessingTime(1_000);
        for (AudioFrame f : frames.subList(0, 300)) {
            harness.processElement(f, 1_700_000_000_000L + f.getStartMs());
        }
        for (int k = 1; k < CallInactivity.STALL_LIMIT_FACTOR; k++) {
            harness.setProcessingTime(1_000 + k * TIMEOUT_MS);
            assertEquals(0, harness.extractOutputValues().size(), "still waiting after " + k + " timeouts");
        }
        for (int step = 0; step <= 10 && harness.extractOutputValues().isEmpty(); step++) {
            harness.setProcessingTime(1_000 + CallInactivity.STALL_LIMIT_FACTOR * TIMEOUT_MS + step * TIMEOUT_MS / 10);
        }
        assertEquals(1, harness.extractOutputValues().size(), "closed at " + CallInactivity.STALL_LIMIT_FACTOR + " timeouts");
        assertEquals(0, harness.numKeyedStateEntries());
        assertEquals(0, harness.numProcessingTimeTimers());
    }

    @Test
    void undecodableAndOversizedFramesAreDeadLetteredAndTheCallGoesOn() throws Exception {
        List<AudioFrame> frames = customerFrames("call-3", true);
        harness.processElement(frame("call-3", 5_000_000, new byte[3], AudioEncoding.PCM16LE, false), 0);
        harness.processElement(frame("call-3", 5_000_001, new byte[5000], AudioEncoding.MULAW, false), 0);
        for (AudioFrame f : frames) {
            harness.processElement(f, f.getStartMs());
        }
        List<DeadLetter> dead = new ArrayList<>();
        for (StreamRecord<DeadLetter> r : harness.getSideOutput(UtteranceSegmenter.DEAD_LETTERS)) {
            dead.add(r.getValue());
        }
        assertEquals(2, dead.size());
        assertTrue(dead.get(0).getReason().contains("frame 5000000"), dead.get(0).getReason());
        assertTrue(dead.get(1).getReason().contains("exceeds"), dead.get(1).getReason());
        assertEquals(6, harness.extractOutputValues().size());
    }

    /** Past the limit a new call is refused whole (dead letters, no state); an ended call frees its place. */
    @Test
    void aSubtaskHoldsAtMostItsLimitOfCalls() throws Exception {
        byte[] silence = new byte[FRAME];
        java.util.function.BiConsumer<String, Long> send = (call, seq) -> {
            try {
                harness.processElement(frame(call, seq, silence, AudioEncoding.MULAW, false), seq * 20);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        for (long seq = 0; seq < 3; seq++) {
            send.accept("call-a", seq);
            send.accept("call-b", seq);
            send.accept("call-c", seq);
        }
        List<DeadLetter> dead = new ArrayList<>();
        harness.getSideOutput(UtteranceSegmenter.DEAD_LETTERS).forEach(r -> dead.add(r.getValue()));
        assertEquals(3, dead.size(), "call-c's three frames");
        assertTrue(dead.stream().allMatch(d -> d.getReason().startsWith("call call-c") && d.getReason().contains("limit of 2")),
                dead.toString());

        harness.processElement(frame("call-a", 3, silence, AudioEncoding.MULAW, true), 60);
        send.accept("call-d", 0L);
        send.accept("call-c", 3L);
        List<DeadLetter> after = new ArrayList<>();
        harness.getSideOutput(UtteranceSegmenter.DEAD_LETTERS).forEach(r -> after.add(r.getValue()));
        assertEquals(4, after.size(), "call-d takes call-a's place; call-c stays refused");
        assertTrue(after.get(3).getReason().startsWith("call call-c"), after.get(3).getReason());

        harness.setProcessingTime(TIMEOUT_MS + 1);
        assertEquals(2, harness.numProcessingTimeTimers(), "refused and ended calls are forgotten after the timeout;"
                + " the open ones (call-b, call-d) wait for the input to move on");
        for (int k = 2; k <= CallInactivity.STALL_LIMIT_FACTOR + 1; k++) {
            harness.setProcessingTime(k * TIMEOUT_MS + 1);
        }
        assertEquals(0, harness.numKeyedStateEntries(), "nothing more came: the open calls closed at the stall limit");
    }
}
