package sec.inference.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChannelSegmenterTest {
    private static final int RATE = 8000;
    private static final int FRAME = 160; // 20 ms

    /** The customer channel of the first demo call as mu-law frames of 20 ms: {seq, bytes}. */
    private static List<byte[]> frames() throws Exception {
        Path calls = TestFiles.modelsDir().resolve("calls");
        PcmAudio call = WavReader.read(calls.resolve("call-01-en.wav"));
        byte[] mulaw = G711.linearToMulaw(PcmCodec.toPcm16(call.channel(1)));
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i + FRAME <= mulaw.length; i += FRAME) {
            out.add(Arrays.copyOfRange(mulaw, i, i + FRAME));
        }
        return out;
    }

    private static List<ChannelSegmenter.Segment> run(List<byte[]> frames, List<Integer> order) {
        ChannelSegmenter c = new ChannelSegmenter(EndpointerSettings.defaults(RATE, 12), 8);
        List<ChannelSegmenter.Segment> out = new ArrayList<>();
        for (int seq : order) {
            out.addAll(c.accept(seq, seq * 20L, RATE, AudioEncoding.MULAW, frames.get(seq)));
        }
        out.addAll(c.flush());
        return out;
    }

    private static List<Integer> inOrder(int n) {
        List<Integer> o = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            o.add(i);
        }
        return o;
    }

    @Test
    void shuffledWithinTheWindowAndDuplicatedGivesTheSameUtterances() throws Exception {
        List<byte[]> frames = frames();
        List<ChannelSegmenter.Segment> clean = run(frames, inOrder(frames.size()));
        assertEquals(6, clean.size(), "call-01 has six customer turns");

        List<Integer> messy = inOrder(frames.size());
        Random r = new Random(3);
        for (int i = 0; i + 4 <= messy.size(); i += 4) {
            Collections.shuffle(messy.subList(i, i + 4), r);
        }
        for (int i = 50; i < messy.size(); i += 97) {
            messy.add(i, messy.get(i)); // duplicates
        }
        List<ChannelSegmenter.Segment> got = run(frames, messy);
        assertEquals(clean.size(), got.size());
        for (int i = 0; i < clean.size(); i++) {
            assertEquals(clean.get(i).startMs(), got.get(i).startMs());
            assertTrue(Arrays.equals(clean.get(i).samples(), got.get(i).samples()), "utterance " + i);
        }
    }

    @Test
    void aLostFrameIsSkippedAndTimesStayAligned() throws Exception {
        List<byte[]> frames = frames();
        List<ChannelSegmenter.Segment> clean = run(frames, inOrder(frames.size()));
        List<Integer> lossy = inOrder(frames.size());
        lossy.removeIf(s -> s % 200 == 100); // one frame in 200 never arrives
        List<ChannelSegmenter.Segment> got = run(frames, lossy);
        assertEquals(clean.size(), got.size());
        for (int i = 0; i < clean.size(); i++) {
            assertEquals(clean.get(i).startMs(), got.get(i).startMs(), 40.0, "utterance " + i + " start");
            assertEquals(clean.get(i).endMs(), got.get(i).endMs(), 40.0, "utterance " + i + " end");
        }
    }

    @Test
    void countsDuplicatesLateFramesAndGaps() {
        ChannelSegmenter c = new ChannelSegmenter(EndpointerSettings.defaults(RATE, 12), 2);
        byte[] silence = new byte[FRAME];
        Arrays.fill(silence, (byte) 0xFF);
        c.accept(0, 0, RATE, AudioEncoding.MULAW, silence);
        c.accept(0, 0, RATE, AudioEncoding.MULAW, silence);  // already passed on: late
        c.accept(2, 40, RATE, AudioEncoding.MULAW, silence);
        c.accept(2, 40, RATE, AudioEncoding.MULAW, silence);  // still waiting in the window: duplicate
        c.accept(3, 60, RATE, AudioEncoding.MULAW, silence);
        c.accept(4, 80, RATE, AudioEncoding.MULAW, silence);  // the window gives up on seq 1
        c.accept(1, 20, RATE, AudioEncoding.MULAW, silence);  // late
        assertEquals(1, c.duplicates());
        assertEquals(1, c.gaps());
        assertEquals(2, c.late());
        assertEquals(0, c.pendingFrames());
    }

    @Test
    void undecodableFramesAreRefusedAndTheChannelGoesOn() {
        ChannelSegmenter c = new ChannelSegmenter(EndpointerSettings.defaults(RATE, 12), 4);
        assertThrows(InvalidAudioException.class, () -> c.accept(0, 0, RATE, AudioEncoding.PCM16LE, new byte[3]));
        assertThrows(InvalidAudioException.class, () -> c.accept(0, 0, 100, AudioEncoding.MULAW, new byte[160]));
        assertTrue(c.accept(0, 0, RATE, AudioEncoding.MULAW, new byte[160]).isEmpty());
    }
}
