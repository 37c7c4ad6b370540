package sec.devkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sec.inference.audio.ChannelSegmenter;
import sec.inference.audio.EndpointerSettings;
import sec.inference.audio.G711;
import sec.inference.audio.PcmAudio;
import sec.inference.audio.PcmCodec;
import sec.inference.audio.WavReader;
import sec.schemas.AudioEncoding;
import sec.schemas.AudioFrame;
import sec.schemas.Channel;

/**
 * A recorded call as the telephony side would stream it: 20 ms G.711 mu-law frames per channel
 * (stereo: left agent, right customer; mono: MONO), interleaved, the last frame of each channel
 * marked. Also counts the utterances the segmenter will find, so a run knows what to expect.
 */
public final class CallFrames {
    public static final int FRAME_MS = 20;

    private CallFrames() {}

    public static List<AudioFrame> of(String callId, Path wav, String language) throws IOException {
        return of(callId, List.of(wav), language, AudioEncoding.MULAW);
    }

    /**
     * One call from one WAV (stereo: left agent, right customer; mono: MONO) or from two mono WAVs
     * (agent, customer), as 20 ms frames at 8 kHz in {@code encoding} (MULAW or PCM16LE).
     */
    public static List<AudioFrame> of(String callId, List<Path> wavs, String language, AudioEncoding encoding) throws IOException {
        List<float[]> channels = new ArrayList<>();
        for (Path wav : wavs) {
            PcmAudio audio = WavReader.read(wav);
            if (audio.sampleRate() != 8000) {
                audio = sec.inference.audio.Resampler.resample(audio, 8000);
            }
            for (int ch = 0; ch < audio.channelCount(); ch++) {
                channels.add(audio.channel(ch));
            }
        }
        if (channels.size() > 2 || wavs.size() > 1 && channels.size() != 2) {
            throw new IllegalArgumentException(wavs + ": a call is one mono or stereo file, or a pair of mono files");
        }
        int frame = 8000 * FRAME_MS / 1000;
        Channel[] names = channels.size() == 2 ? new Channel[] {Channel.AGENT, Channel.CUSTOMER} : new Channel[] {Channel.MONO};
        byte[][] bytes = new byte[names.length][];
        int width = encoding == AudioEncoding.PCM16LE ? 2 : 1;
        int n = Integer.MAX_VALUE;
        for (int ch = 0; ch < names.length; ch++) {
            float[] samples = channels.get(ch);
            bytes[ch] = switch (encoding) {
                case MULAW -> G711.linearToMulaw(PcmCodec.toPcm16(samples));
                case PCM16LE -> PcmCodec.encodePcm16(samples);
                default -> throw new IllegalArgumentException("sec produce writes MULAW or PCM16LE, not " + encoding);
            };
            n = Math.min(n, samples.length / frame);
        }
        List<AudioFrame> out = new ArrayList<>(n * names.length);
        for (int seq = 0; seq < n; seq++) {
            for (int ch = 0; ch < names.length; ch++) {
                out.add(AudioFrame.newBuilder().setCallId(callId).setChannel(names[ch]).setSeq(seq)
                        .setStartMs((long) seq * FRAME_MS).setSampleRate(8000).setEncoding(encoding)
                        .setPayload(ByteBuffer.wrap(Arrays.copyOfRange(bytes[ch], seq * frame * width, (seq + 1) * frame * width)))
                        .setLast(seq == n - 1).setLanguage(language).build());
            }
        }
        return out;
    }

    /** The caption language a file's name gives (-zh / _zh, -en / _en), or {@code otherwise}. */
    public static String languageOf(Path wav, String otherwise) {
        String name = wav.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.matches(".*[-_]zh([-_.].*)?") ? "zh" : name.matches(".*[-_]en([-_.].*)?") ? "en" : otherwise;
    }

    /** Every WAV of a folder as a call: the id is the file name without .wav, the language from the name (en otherwise). */
    public static java.util.Map<String, List<AudioFrame>> folder(Path dir) throws IOException {
        java.util.Map<String, List<AudioFrame>> calls = new java.util.LinkedHashMap<>();
        try (var files = java.nio.file.Files.list(dir)) {
            for (Path wav : files.filter(p -> p.toString().endsWith(".wav")).sorted().toList()) {
                String id = wav.getFileName().toString().replace(".wav", "");
                calls.put(id, of(id, wav, languageOf(wav, "en")));
            }
        }
        return calls;
    }

    /** The segments the pipeline's segmenter will cut from one channel of these frames. */
    public static List<ChannelSegmenter.Segment> segments(List<AudioFrame> frames, Channel channel, int reorderWindow) {
        ChannelSegmenter seg = new ChannelSegmenter(EndpointerSettings.defaults(8000, 12.0), reorderWindow);
        List<ChannelSegmenter.Segment> out = new ArrayList<>();
        for (AudioFrame f : frames) {
            if (f.getChannel() == channel) {
                byte[] p = new byte[f.getPayload().remaining()];
                f.getPayload().duplicate().get(p);
                out.addAll(seg.accept(f.getSeq(), f.getStartMs(), f.getSampleRate(),
                        sec.inference.audio.AudioEncoding.valueOf(f.getEncoding().name()), p));
            }
        }
        out.addAll(seg.flush());
        return out;
    }
}
