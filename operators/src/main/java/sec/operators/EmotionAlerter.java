package sec.operators;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import sec.schemas.EmotionAlert;
import sec.schemas.EmotionCaption;

/**
 * Evaluates the alert rules per call (keyed by call id) over its final captions in the order they were
 * spoken ({@link SpeechOrderRules}): it keeps each channel's last {@link #HISTORY} captions in keyed
 * state that expires with the call, and reads every rule off them as each caption comes in.
 */
public class EmotionAlerter extends KeyedProcessFunction<String, EmotionCaption, EmotionAlert> {
    private static final java.time.Duration IDLE_TTL = java.time.Duration.ofMinutes(30);
    /** Captions remembered per channel: a streak or a 30 s transition needs a few; late captions a few more. */
    static final int HISTORY = 32;

    private final List<AlertRule> rules;
    /** "channel/utterance id" → the caption as the rules remember it. */
    private transient MapState<String, HeardCaption> heard;

    public EmotionAlerter(List<AlertRule> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public void open(OpenContext ctx) {
        heard = getRuntimeContext().getMapState(history());
    }

    static MapStateDescriptor<String, HeardCaption> history() {
        MapStateDescriptor<String, HeardCaption> d = new MapStateDescriptor<>("alert-history",
                TypeInformation.of(String.class), TypeInformation.of(HeardCaption.class));
        d.enableTimeToLive(StateTtlConfig.newBuilder(IDLE_TTL).build());
        return d;
    }

    @Override
    public void processElement(EmotionCaption c, Context ctx, Collector<EmotionAlert> out) throws Exception {
        if (!c.getFinal$()) {
            return;
        }
        String channel = c.getChannel().name();
        String prefix = channel + "/";
        String key = prefix + c.getUtteranceId();
        HeardCaption latest = new HeardCaption(c.getUtteranceId(), c.getStartMs(), c.getEndMs(),
                c.getEmotion() == null ? "" : c.getEmotion().toLowerCase());
        List<HeardCaption> sameChannel = new ArrayList<>();
        for (var e : heard.entries()) {
            if (e.getKey().startsWith(prefix) && !e.getKey().equals(key)) {
                sameChannel.add(e.getValue());
            }
        }
        sameChannel.add(latest);
        sameChannel.sort(Comparator.comparingLong((HeardCaption h) -> h.startMs).thenComparing(h -> h.utteranceId));
        heard.put(key, latest);
        for (SpeechOrderRules.Match m : SpeechOrderRules.matches(rules, channel, sameChannel, latest)) {
            out.collect(EmotionAlert.newBuilder().setCallId(c.getCallId()).setRule(m.rule().name()).setChannel(c.getChannel())
                    .setUtteranceId(m.at().utteranceId).setEmotion(m.at().emotion).setAtMs(m.at().endMs).setMessage(m.why()).build());
            for (HeardCaption h : m.marked()) {
                heard.put(prefix + h.utteranceId, h); // its marks, so the alert does not fire again
            }
        }
        for (int oldest = 0; oldest < sameChannel.size() - HISTORY; oldest++) {
            heard.remove(prefix + sameChannel.get(oldest).utteranceId);
        }
    }
}
