package sec.inference.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavReaderTest {

    private static float s(int v) {
        return v / 32768f;
    }

    @Test
    void pcm16Stereo() {
        byte[] wav = new WavBytes().fmt(1, 2, 16000, 16)
                .data(WavBytes.pcm16((short) 1000, (short) -1000, (short) 32767, (short) -32768, (short) 0, (short) 7))
                .build();
        PcmAudio a = WavReader.read(wav, "stereo.wav");
        assertEquals(16000, a.sampleRate());
        assertEquals(2, a.channelCount());
        assertEquals(3, a.frames());
        assertArrayEquals(new float[] {s(1000), s(32767), s(0)}, a.channel(0));
        assertArrayEquals(new float[] {s(-1000), s(-32768), s(7)}, a.channel(1));
        assertEquals(-1.0f, a.channel(1)[1]);
        assertEquals(3 / 16000.0, a.seconds(), 1e-12);
        assertArrayEquals(new float[] {0f, (s(32767) + s(-32768)) / 2, s(7) / 2}, a.mono(), 1e-7f);
        assertEquals(new WavReader.Format(AudioEncoding.PCM16LE, 2, 16000), WavReader.format(wav, "stereo.wav"));
    }

    @Test
    void muLawMonoSkipsFactAndOddSizedChunks() {
        byte[] codes = {(byte) 0xFF, (byte) 0x80, 0x00, 0x7F, 0x55};
        byte[] wav = new WavBytes()
                .chunk("LIST", "odd".getBytes(StandardCharsets.US_ASCII)) // 3 bytes + pad byte
                .fmt(7, 1, 8000, 8)
                .chunk("fact", WavBytes.le(4, codes.length))
                .data(codes) // odd-sized data, padded
                .chunk("cue ", new byte[4])
                .build();
        PcmAudio a = WavReader.read(wav, "mu.wav");
        assertEquals(8000, a.sampleRate());
        assertArrayEquals(new float[] {0f, s(32124), s(-32124), 0f, s(G711.mulawToLinear(0x55))}, a.channel(0));
    }

    @Test
    void aLaw() {
        byte[] wav = new WavBytes().fmt(6, 1, 8000, 8).data(new byte[] {(byte) 0xD5, 0x55, (byte) 0xAA, 0x2A}).build();
        PcmAudio a = WavReader.read(wav, "a.wav");
        assertArrayEquals(new float[] {s(8), s(-8), s(32256), s(-32256)}, a.channel(0));
    }

    @Test
    void extensiblePcm16ThreeChannels() {
        byte[] wav = new WavBytes().fmtExtensible(1, 3, 44100, 16)
                .data(WavBytes.pcm16((short) 1, (short) 2, (short) 3, (short) 4, (short) 5, (short) 6)).build();
        PcmAudio a = WavReader.read(wav, "ext.wav");
        assertEquals(44100, a.sampleRate());
        assertEquals(3, a.channelCount());
        assertArrayEquals(new float[] {s(1), s(4)}, a.channel(0));
        assertArrayEquals(new float[] {s(2), s(5)}, a.channel(1));
        assertArrayEquals(new float[] {s(3), s(6)}, a.channel(2));
    }

    @Test
    void extensibleFloatIsRejected() {
        byte[] wav = new WavBytes().fmtExtensible(3, 1, 8000, 32).data(new byte[8]).build();
        InvalidAudioException e = assertThrows(InvalidAudioException.class, () -> WavReader.read(wav, "f.wav"));
        assertEquals("f.wav: unsupported WAV encoding (extensible subformat 3, 32 bits)", e.getMessage());
    }

    @Test
    void garbageIsNotAWav() {
        byte[] junk = "this is not audio at all, just text".getBytes(StandardCharsets.US_ASCII);
        InvalidAudioException e = assertThrows(InvalidAudioException.class, () -> WavReader.read(junk, "call.wav"));
        assertEquals("call.wav: not a RIFF/WAVE file", e.getMessage());
        assertEquals("call.wav", e.source());
        assertThrows(InvalidAudioException.class, () -> WavReader.read(new byte[0], "empty.wav"));
        assertEquals("a.wav", new InvalidAudioException("a.wav: 13.0 s is too long").source());
    }

    @Test
    void truncatedHeaders() {
        byte[] full = new WavBytes().fmt(1, 1, 8000, 16).data(WavBytes.pcm16((short) 1, (short) 2)).build();
        // cut inside the RIFF header, inside the fmt chunk, and inside a chunk header
        for (int cut : new int[] {6, 20, 38}) {
            byte[] part = Arrays.copyOf(full, cut);
            InvalidAudioException e = assertThrows(InvalidAudioException.class, () -> WavReader.read(part, "t.wav"),
                    "cut at " + cut);
            assertTrue(e.getMessage().startsWith("t.wav: truncated"), e.getMessage());
        }
        byte[] cutData = Arrays.copyOf(full, full.length - 1);
        InvalidAudioException e = assertThrows(InvalidAudioException.class, () -> WavReader.read(cutData, "t.wav"));
        assertEquals("t.wav: truncated data chunk (declares 4 bytes, 3 present)", e.getMessage());
    }

    @Test
    void floatFormatTagIsUnsupported() {
        byte[] wav = new WavBytes().fmt(3, 1, 8000, 32).data(new byte[8]).build();
        InvalidAudioException e = assertThrows(InvalidAudioException.class, () -> WavReader.read(wav, "x.wav"));
        assertEquals("x.wav: unsupported WAV encoding (format tag 3, 32 bits)", e.getMessage());
    }

    @Test
    void pcm8IsUnsupported() {
        byte[] wav = new WavBytes().fmt(1, 1, 8000, 8).data(new byte[8]).build();
        InvalidAudioException e = assertThrows(InvalidAudioException.class, () -> WavReader.read(wav, "x.wav"));
        assertEquals("x.wav: unsupported WAV encoding (format tag 1, 8 bits)", e.getMessage());
    }

    @Test
    void emptyDataChunk() {
        byte[] wav = new WavBytes().fmt(1, 1, 8000, 16).data(new byte[0]).build();
        InvalidAudioException e = assertThrows(InvalidAudioException.class, () -> WavReader.read(wav, "x.wav"));
        assertEquals("x.wav: no audio samples", e.getMessage());
    }

    @Test
    void missingChunks() {
        byte[] noData = new WavBytes().fmt(1, 1, 8000, 16).build();
        assertEquals("x.wav: missing data chunk",
                assertThrows(InvalidAudioException.class, () -> WavReader.read(noData, "x.wav")).getMessage());
        byte[] noFmt = new WavBytes().data(WavBytes.pcm16((short) 1)).build();
        assertEquals("x.wav: missing fmt chunk",
                assertThrows(InvalidAudioException.class, () -> WavReader.read(noFmt, "x.wav")).getMessage());
    }

    @Test
    void partialSampleFrameIsAnError() {
        byte[] wav = new WavBytes().fmt(1, 2, 8000, 16).data(WavBytes.pcm16((short) 1, (short) 2, (short) 3)).build();
        InvalidAudioException e = assertThrows(InvalidAudioException.class, () -> WavReader.read(wav, "x.wav"));
        assertTrue(e.getMessage().startsWith("x.wav: data chunk of 6 bytes"), e.getMessage());
    }

    @Test
    void unknownDataSizeTakesTheRestOfTheFile() {
        byte[] wav = new WavBytes().fmt(1, 1, 8000, 16).raw("data".getBytes(StandardCharsets.US_ASCII))
                .raw(WavBytes.le(4, -1)).raw(WavBytes.pcm16((short) 5, (short) 6)).build();
        assertArrayEquals(new float[] {s(5), s(6)}, WavReader.read(wav, "live.wav").channel(0));
    }

    @Test
    void readsFilesAndNamesThemInErrors(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.wav");
        Files.write(good, new WavBytes().fmt(1, 1, 8000, 16).data(WavBytes.pcm16((short) -2)).build());
        assertArrayEquals(new float[] {s(-2)}, WavReader.read(good).channel(0));
        Path bad = dir.resolve("bad.wav");
        Files.write(bad, new byte[] {1, 2, 3});
        assertEquals("bad.wav: not a RIFF/WAVE file",
                assertThrows(InvalidAudioException.class, () -> WavReader.read(bad)).getMessage());
    }

    @Test
    void recipeWrittenMuLawFile() throws IOException {
        // written by models/recipe/audio.py write_wav_mulaw: 18-byte fmt chunk plus a fact chunk
        PcmAudio a = WavReader.read(TestFiles.resource("chirp-mulaw.wav"));
        assertEquals(8000, a.sampleRate());
        assertEquals(1, a.channelCount());
        assertEquals(6000, a.frames());
        for (int i = 2500; i < 3300; i++) {
            assertEquals(0f, a.channel(0)[i]);
        }
    }

    @Test
    void systemSoundFile() throws IOException {
        Path p = Paths.get("/usr/share/sounds/alsa/Front_Center.wav");
        assumeTrue(Files.isRegularFile(p), "no ALSA sample sounds on this machine");
        PcmAudio a = WavReader.read(p);
        assertEquals(48000, a.sampleRate());
        assertEquals(1, a.channelCount());
        assertTrue(a.seconds() > 0.5 && a.seconds() < 5, "duration " + a.seconds());
        float peak = 0;
        for (float v : a.channel(0)) {
            peak = Math.max(peak, Math.abs(v));
        }
        assertTrue(peak > 0.05f && peak <= 1f, "peak " + peak);
    }

    @Test
    void codecDecodesFramesAndRejectsHalfSamples() {
        assertArrayEquals(new float[] {s(258), s(-1)}, PcmCodec.decode(new byte[] {2, 1, -1, -1}, AudioEncoding.PCM16LE));
        assertArrayEquals(new float[] {s(8)}, PcmCodec.decode(new byte[] {(byte) 0xD5}, AudioEncoding.ALAW));
        assertArrayEquals(new float[] {0f}, PcmCodec.decode(new byte[] {(byte) 0xFF}, AudioEncoding.MULAW));
        InvalidAudioException e = assertThrows(InvalidAudioException.class,
                () -> PcmCodec.decode(new byte[3], AudioEncoding.PCM16LE));
        assertTrue(e.getMessage().startsWith("frame: "), e.getMessage());
        float[][] ch = PcmCodec.decodeInterleaved(new byte[] {(byte) 0xFF, 0x00, (byte) 0xFF, (byte) 0x80}, 0, 4,
                AudioEncoding.MULAW, 2, "frame");
        assertArrayEquals(new float[] {0f, 0f}, ch[0]);
        assertArrayEquals(new float[] {s(-32124), s(32124)}, ch[1]);
        short[] pcm = {0, 1, -1, 12345, -32768, 32767};
        float[] f = PcmCodec.decode(WavBytes.pcm16(pcm), AudioEncoding.PCM16LE);
        assertArrayEquals(pcm, PcmCodec.toPcm16(f));
        assertArrayEquals(WavBytes.pcm16(pcm), PcmCodec.encodePcm16(f));
    }
}
