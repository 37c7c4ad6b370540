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

    @Override
    public String toString() {
        return utteranceId + " [" + startMs + ", " + endMs + "] " + samples.length + " samples";
    }
}
