package sec.operators;

import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import sec.schemas.EmotionAlert;
import sec.schemas.EmotionCaption;

/**
 * Evaluates the alert rules per call (keyed by call id) over its final captions. Per rule and
 * channel it keeps the current streak (consecutive rules) or when a {@code from} emotion was last
 * named (transition rules), in keyed state that expires with the call.
 */
public class EmotionAlerter extends KeyedProcessFunction<String, EmotionCaption, EmotionAlert> {
    private static final java.time.Duration IDLE_TTL = java.time.Duration.ofMinutes(30);

    private final List<AlertRule> rules;
    /** "rule/channel" → streak length, or the call time the from-emotion was last seen. */
    private transient MapState<String, Long> marks;

    public EmotionAlerter(List<AlertRule> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public void open(OpenContext ctx) {
        MapStateDescriptor<String, Long> d = new MapStateDescriptor<>("alert-marks", String.class, Long.class);
        d.enableTimeToLive(StateTtlConfig.newBuilder(IDLE_TTL).build());
        marks = getRuntimeContext().getMapState(d);
    }

    @Override
    public void processElement(EmotionCaption c, Context ctx, Collector<EmotionAlert> out) throws Exception {
        if (!c.getFinal$()) {
            return;
        }
        String channel = c.getChannel().name();
        String emotion = c.getEmotion() == null ? "" : c.getEmotion().toLowerCase();
        for (AlertRule r : rules) {
            if (!r.watches(channel)) {
                continue;
            }
            String key = r.name() + "/" + channel;
            if (r.transition()) {
                Long fromAt = marks.get(key);
                if (r.emotions().contains(emotion) && fromAt != null && c.getEndMs() - fromAt <= r.withinMs()) {
                    marks.remove(key);
                    out.collect(alert(c, r, emotion, channel + ": " + r.from() + " to " + emotion + " within "
                            + (c.getEndMs() - fromAt) + " ms"));
                }
                if (r.from().contains(emotion)) {
                    marks.put(key, c.getEndMs());
                }
            } else {
                Long streak = marks.get(key);
                long next = r.emotions().contains(emotion) ? (streak == null ? 0 : streak) + 1 : 0;
                marks.put(key, next);
                if (next == r.consecutive()) { // once per streak
                    out.collect(alert(c, r, emotion, channel + ": " + emotion + " in " + next + " consecutive utterances"));
                }
            }
        }
    }

    private static EmotionAlert alert(EmotionCaption c, AlertRule r, String emotion, String message) {
        return EmotionAlert.newBuilder().setCallId(c.getCallId()).setRule(r.name()).setChannel(c.getChannel())
                .setUtteranceId(c.getUtteranceId()).setEmotion(emotion).setAtMs(c.getEndMs()).setMessage(message).build();
    }
}
