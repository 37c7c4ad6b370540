package sec.operators;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import sec.inference.audio.AudioEncoding;
import sec.inference.audio.ChannelSegmenter;
import sec.inference.audio.EndpointerSettings;
import sec.inference.audio.InvalidAudioException;
import sec.schemas.AudioFrame;
import sec.schemas.DeadLetter;

/**
 * Keyed by call: frames to utterances, one {@link ChannelSegmenter} per channel in keyed state. A
 * channel ends with its last frame; the whole call ends after an inactivity timeout; either way
 * its state is cleared. Frames that cannot be decoded go to the dead-letter side output.
 */
public class UtteranceSegmenter extends KeyedProcessFunction<String, AudioFrame, Utterance> {
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final SegmenterConfig config;
    private transient MapState<String, ChannelSegmenter> channels;
    private transient ValueState<Long> timer;
    private transient ValueState<String> language;

    public UtteranceSegmenter(SegmenterConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext ctx) {
        channels = getRuntimeContext().getMapState(new MapStateDescriptor<>("channel-segmenters",
                TypeInformation.of(String.class), TypeInformation.of(new TypeHint<ChannelSegmenter>() {})));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("inactivity-timer", Long.class));
        language = getRuntimeContext().getState(new ValueStateDescriptor<>("call-language", String.class));
    }

    @Override
    public void processElement(AudioFrame f, Context ctx, Collector<Utterance> out) throws Exception {
        byte[] payload = bytes(f.getPayload());
        String channel = f.getChannel().name();
        if (f.getLanguage() != null && language.value() == null) {
            language.update(f.getLanguage());
        }
        if (payload.length > config.maxPayloadBytes()) {
            reject(ctx, f, payload, "payload of " + payload.length + " bytes exceeds " + config.maxPayloadBytes());
        } else {
            ChannelSegmenter seg = channels.get(channel);
            if (seg == null) {
                seg = new ChannelSegmenter(EndpointerSettings.defaults(config.modelSampleRate(),
                        config.maxUtteranceSeconds()), config.reorderWindowFrames());
            }
            try {
                emit(ctx.getCurrentKey(), channel, seg.accept(f.getSeq(), f.getStartMs(), f.getSampleRate(),
                        AudioEncoding.valueOf(f.getEncoding().name()), payload), out);
            } catch (InvalidAudioException e) {
                reject(ctx, f, payload, e.getMessage());
            }
            if (f.getLast()) {
                emit(ctx.getCurrentKey(), channel, seg.flush(), out);
                channels.remove(channel);
            } else {
                channels.put(channel, seg);
            }
        }
        if (channels.isEmpty()) {
            endCall(ctx);
        } else {
            rearm(ctx);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Utterance> out) throws Exception {
        for (var e : channels.entries()) {
            emit(ctx.getCurrentKey(), e.getKey(), e.getValue().flush(), out);
        }
        channels.clear();
        timer.clear();
        language.clear();
    }

    private void emit(String callId, String channel, List<ChannelSegmenter.Segment> segments, Collector<Utterance> out)
            throws Exception {
        String lang = language.value() == null ? config.defaultLanguage() : language.value();
        for (ChannelSegmenter.Segment s : segments) {
            out.collect(new Utterance(callId, channel, lang, s.startMs(), s.endMs(), s.samples()));
        }
    }

    /** Processing-time inactivity: a call that stops sending frames is closed, not kept forever. */
    private void rearm(Context ctx) throws Exception {
        Long old = timer.value();
        if (old != null) {
            ctx.timerService().deleteProcessingTimeTimer(old);
        }
        long at = ctx.timerService().currentProcessingTime() + config.inactivityTimeoutMs();
        ctx.timerService().registerProcessingTimeTimer(at);
        timer.update(at);
    }

    private void endCall(Context ctx) throws Exception {
        Long old = timer.value();
        if (old != null) {
            ctx.timerService().deleteProcessingTimeTimer(old);
        }
        timer.clear();
        language.clear();
    }

    private void reject(Context ctx, AudioFrame f, byte[] payload, String reason) {
        ctx.output(DEAD_LETTERS, DeadLetter.newBuilder().setSourceTopic(config.framesTopic()).setPartition(-1)
                .setOffset(-1).setReason("call " + f.getCallId() + " " + f.getChannel() + " frame " + f.getSeq() + ": " + reason)
                .setKey(ByteBuffer.wrap(f.getCallId().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .setPayload(ByteBuffer.wrap(payload)).setTimestampMs(ctx.timerService().currentProcessingTime()).build());
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
