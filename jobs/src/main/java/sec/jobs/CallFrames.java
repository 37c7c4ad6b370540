package sec.jobs;

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
        PcmAudio audio = WavReader.read(wav);
        if (audio.sampleRate() != 8000) {
            audio = sec.inference.audio.Resampler.resample(audio, 8000);
        }
        int frame = 8000 * FRAME_MS / 1000;
        Channel[] names = audio.channelCount() == 2 ? new Channel[] {Channel.AGENT, Channel.CUSTOMER} : new Channel[] {Channel.MONO};
        byte[][] mu = new byte[names.length][];
        for (int ch = 0; ch < names.length; ch++) {
            mu[ch] = G711.linearToMulaw(PcmCodec.toPcm16(audio.channel(ch)));
        }
        int n = audio.frames() / frame;
        List<AudioFrame> out = new ArrayList<>(n * names.length);
        for (int seq = 0; seq < n; seq++) {
            for (int ch = 0; ch < names.length; ch++) {
                out.add(AudioFrame.newBuilder().setCallId(callId).setChannel(names[ch]).setSeq(seq)
                        .setStartMs((long) seq * FRAME_MS).setSampleRate(8000).setEncoding(AudioEncoding.MULAW)
                        .setPayload(ByteBuffer.wrap(Arrays.copyOfRange(mu[ch], seq * frame, (seq + 1) * frame)))
                        .setLast(seq == n - 1).setLanguage(language).build());
            }
        }
        return out;
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
