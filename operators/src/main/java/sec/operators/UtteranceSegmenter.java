package sec.operators;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import sec.inference.audio.AudioEncoding;
import sec.inference.audio.ChannelSegmenter;
import sec.inference.audio.EndpointerSettings;
import sec.inference.audio.InvalidAudioException;
import sec.schemas.AudioFrame;
import sec.schemas.DeadLetter;

/**
 * Keyed by call: frames to utterances, one {@link ChannelSegmenter} per channel in keyed state.
 * What happens to each kind of bad frame (docs/OPERATIONS.md, "Bad input"):
 * <ul>
 *   <li>undecodable (odd PCM16 length, a rate the model cannot use), empty, over the payload limit,
 *       or with an empty or overlong call id: dead letter with the reason; the call goes on;</li>
 *   <li>duplicate, behind the reorder window, or after its channel's last frame: dropped and counted
 *       (metrics {@code framesDuplicate}, {@code framesLate}, {@code framesAfterLast});</li>
 *   <li>a sequence gap the window cannot fill: skipped as silence and counted ({@code seqGaps}).</li>
 * </ul>
 * A channel ends with its last frame; the call is forgotten one inactivity timeout after its last
 * frame of any kind (open channels are flushed then), so a call that never ends still closes and
 * frames re-sent after the end are recognised as such meanwhile.
 *
 * <p>A subtask holds at most {@code maxCallsPerSubtask} calls: the first frame of a call past that
 * refuses the whole call, and its frames go to the dead-letter topic (replayable) instead of into
 * state. The count lives on the heap; after a restore each call counts itself again with its next
 * frame (the "counted-by" state names the instance that counted it), so it is never inflated.
 */
public class UtteranceSegmenter extends KeyedProcessFunction<String, AudioFrame, Utterance> {
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final SegmenterConfig config;
    private transient MapState<String, ChannelSegmenter> channels;
    private transient MapState<String, Boolean> closed;
    private transient ValueState<Long> timer;
    private transient ValueState<long[]> lastFrame; // its record timestamp, and when it arrived (processing time)
    private transient CallInactivity inactivity;
    private transient ValueState<String> language;
    private transient ValueState<Long> countedBy;
    private transient ValueState<Boolean> refused;
    private transient long incarnation;
    private transient int activeCalls;
    private transient Counter deadLettered;
    private transient Counter duplicate;
    private transient Counter late;
    private transient Counter afterLast;
    private transient Counter gaps;

    public UtteranceSegmenter(SegmenterConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext ctx) {
        channels = getRuntimeContext().getMapState(new MapStateDescriptor<>("channel-segmenters",
                TypeInformation.of(String.class), TypeInformation.of(new TypeHint<ChannelSegmenter>() {})));
        closed = getRuntimeContext().getMapState(new MapStateDescriptor<>("closed-channels", String.class, Boolean.class));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("inactivity-timer", Long.class));
        lastFrame = getRuntimeContext().getState(new ValueStateDescriptor<>("last-frame", long[].class));
        inactivity = new CallInactivity(config.inactivityTimeoutMs(), ((StreamingRuntimeContext) getRuntimeContext())
                .getProcessingTimeService().getCurrentProcessingTime());
        language = getRuntimeContext().getState(new ValueStateDescriptor<>("call-language", String.class));
        countedBy = getRuntimeContext().getState(new ValueStateDescriptor<>("counted-by", Long.class));
        refused = getRuntimeContext().getState(new ValueStateDescriptor<>("refused-call", Boolean.class));
        incarnation = new java.util.Random().nextLong() | 1; // never 0, which marks a call no longer counted
        activeCalls = 0;
        var metrics = getRuntimeContext().getMetricGroup();
        deadLettered = metrics.counter("framesDeadLettered");
        duplicate = metrics.counter("framesDuplicate");
        late = metrics.counter("framesLate");
        afterLast = metrics.counter("framesAfterLast");
        gaps = metrics.counter("seqGaps");
        metrics.gauge("activeCalls", () -> activeCalls);
    }

    @Override
    public void processElement(AudioFrame f, Context ctx, Collector<Utterance> out) throws Exception {
        long frameTime = frameTime(ctx);
        inactivity.heard(frameTime); // any frame, even a refused one, shows the input moves
        byte[] payload = bytes(f.getPayload());
        String refusal = refusal(f, payload);
        if (refusal != null) {
            reject(ctx, f, payload, refusal); // before any state: a bad call id never becomes a call
            return;
        }
        String channel = f.getChannel().name();
        if (closed.contains(channel)) {
            afterLast.inc();
            noteFrame(ctx, frameTime);
            return;
        }
        if (!admitted()) {
            reject(ctx, f, payload, "call refused: this subtask holds its limit of " + config.maxCallsPerSubtask()
                    + " concurrent calls");
            noteFrame(ctx, frameTime);
            return;
        }
        if (f.getLanguage() != null && language.value() == null) {
            language.update(f.getLanguage());
        }
        ChannelSegmenter seg = channels.get(channel);
        if (seg == null) {
            seg = new ChannelSegmenter(EndpointerSettings.defaults(config.modelSampleRate(),
                    config.maxUtteranceSeconds()), config.reorderWindowFrames());
        }
        long dup = seg.duplicates();
        long behind = seg.late();
        long skipped = seg.gaps();
        try {
            emit(ctx.getCurrentKey(), channel, seg.accept(f.getSeq(), f.getStartMs(), f.getSampleRate(),
                    AudioEncoding.valueOf(f.getEncoding().name()), payload), out);
        } catch (InvalidAudioException e) {
            reject(ctx, f, payload, e.getMessage());
        }
        if (f.getLast()) {
            emit(ctx.getCurrentKey(), channel, seg.flush(), out);
            channels.remove(channel);
            closed.put(channel, true);
            if (channels.isEmpty()) {
                release(); // every channel has ended: the call no longer takes a place
            }
        } else {
            channels.put(channel, seg);
        }
        duplicate.inc(seg.duplicates() - dup);
        late.inc(seg.late() - behind);
        gaps.inc(seg.gaps() - skipped);
        noteFrame(ctx, frameTime);
    }

    /** Whether this call may hold state here; counts it in when it is new to this instance. */
    private boolean admitted() throws Exception {
        if (refused.value() != null) {
            return false;
        }
        Long by = countedBy.value();
        if (by != null && (by == incarnation || by == 0)) {
            return true;
        }
        if (by == null && activeCalls >= config.maxCallsPerSubtask()) {
            refused.update(true);
            return false;
        }
        activeCalls++; // a new call, or one counted before a restore
        countedBy.update(incarnation);
        return true;
    }

    private void release() throws Exception {
        Long by = countedBy.value();
        if (by != null && by == incarnation) {
            activeCalls--;
        }
        countedBy.update(0L);
    }

    /** Why a frame is refused outright, or null when it may enter its channel. */
    private String refusal(AudioFrame f, byte[] payload) {
        int idLength = f.getCallId().length();
        if (idLength == 0) {
            return "empty call id";
        }
        if (idLength > config.maxCallIdChars()) {
            return "call id of " + idLength + " characters exceeds " + config.maxCallIdChars();
        }
        if (payload.length == 0) {
            return "empty payload";
        }
        if (payload.length > config.maxPayloadBytes()) {
            return "payload of " + payload.length + " bytes exceeds " + config.maxPayloadBytes();
        }
        return null;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Utterance> out) throws Exception {
        // One timer per call, moved on here rather than re-registered by every frame. A call whose channels
        // have all ended (or that was refused) is only remembered, one timeout after its last frame of any
        // kind; one with an open channel waits until the input has moved on (CallInactivity).
        long[] last = lastFrame.value(); // null in state from before it was kept: the timer's own start
        long arrived = last != null ? last[1] : timestamp - inactivity.timeoutMs();
        long wait = channels.isEmpty() ? arrived + inactivity.timeoutMs() - timestamp
                : inactivity.nextLookMs(last != null ? last[0] : arrived, arrived, timestamp);
        if (wait > 0) {
            long at = timestamp + wait;
            ctx.timerService().registerProcessingTimeTimer(at);
            timer.update(at);
            return;
        }
        for (var e : channels.entries()) {
            emit(ctx.getCurrentKey(), e.getKey(), e.getValue().flush(), out);
        }
        if (refused.value() == null) {
            release();
        }
        channels.clear();
        closed.clear();
        timer.clear();
        lastFrame.clear();
        language.clear();
        countedBy.clear();
        refused.clear();
    }

    private void emit(String callId, String channel, List<ChannelSegmenter.Segment> segments, Collector<Utterance> out)
            throws Exception {
        String lang = language.value() == null ? config.defaultLanguage() : language.value();
        for (ChannelSegmenter.Segment s : segments) {
            out.collect(new Utterance(callId, channel, lang, s.startMs(), s.endMs(), s.samples()));
        }
    }

    /**
     * Inactivity: a call that stops sending frames is closed, not kept forever ({@link CallInactivity}:
     * by the input's clock, the frames' record timestamps; processing time where a frame has none).
     * The frame is noted; the call's timer is registered only when it has none.
     */
    private void noteFrame(Context ctx, long frameTime) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        lastFrame.update(new long[] {frameTime, now});
        if (timer.value() == null) {
            long at = now + config.inactivityTimeoutMs();
            ctx.timerService().registerProcessingTimeTimer(at);
            timer.update(at);
        }
    }

    private static long frameTime(Context ctx) {
        Long stamp = ctx.timestamp();
        return stamp != null ? stamp : ctx.timerService().currentProcessingTime();
    }

    private void reject(Context ctx, AudioFrame f, byte[] payload, String reason) {
        deadLettered.inc();
        String id = f.getCallId();
        String shown = id.length() <= 64 ? id : id.substring(0, 64) + "…";
        ctx.output(DEAD_LETTERS, DeadLetter.newBuilder().setSourceTopic(config.framesTopic()).setPartition(-1)
                .setOffset(-1).setReason("call " + shown + " " + f.getChannel() + " frame " + f.getSeq() + ": " + reason)
                .setKey(ByteBuffer.wrap(id.getBytes(StandardCharsets.UTF_8)))
                .setPayload(ByteBuffer.wrap(payload)).setTimestampMs(ctx.timerService().currentProcessingTime()).build());
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
