package sec.operators;

import sec.inference.decode.DecodingState;

/** One utterance being captioned: where it came from, its decoding state and its verdict deadline. */
public class UtteranceDecoding {
    public String callId;
    public String utteranceId;
    public String channel;
    public String language;
    public long startMs;
    public long endMs;
    public long receivedAtMs;
    public long deadlineMs;
    public int partialLength;
    public DecodingState state;

    public UtteranceDecoding() {}

    UtteranceDecoding(Utterance u, long now, DecodingState state) {
        this.callId = u.callId;
        this.utteranceId = u.utteranceId;
        this.channel = u.channel;
        this.language = u.language;
        this.startMs = u.startMs;
        this.endMs = u.endMs;
        this.receivedAtMs = now;
        this.state = state;
    }
}
