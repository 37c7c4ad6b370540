package sec.operators;

/**
 * One channel's utterance at the model rate, from the segmenter to the drafter (inside the edge
 * job only: audio never leaves the edge). A Flink POJO.
 */
public class Utterance {
    public String callId;
    public String utteranceId;
    public String channel;
    public String language;
    public long startMs;
    public long endMs;
    public float[] samples;
    /** The edge's roll-out plan when the utterance left the segmenter ({@link RolloutStamp}); null or empty: none. */
    public sec.schemas.ModelRollout[] rollouts;

    public Utterance() {}

    public Utterance(String callId, String channel, String language, long startMs, long endMs, float[] samples) {
        this.callId = callId;
        this.channel = channel;
        this.language = language;
        this.startMs = startMs;
        this.endMs = endMs;
        this.samples = samples;
        this.utteranceId = callId + "/" + channel + "/" + startMs;
    }

    /** The same utterance's identity and span, without audio (for state that outlives the samples). */
    public Utterance withoutSamples() {
        Utterance u = new Utterance();
        u.callId = callId;
        u.utteranceId = utteranceId;
        u.channel = channel;
        u.language = language;
        u.startMs = startMs;
        u.endMs = endMs;
        u.samples = new float[0];
        return u;
    }

    @Override
    public String toString() {
        return utteranceId + " [" + startMs + ", " + endMs + "] " + samples.length + " samples";
    }
}
