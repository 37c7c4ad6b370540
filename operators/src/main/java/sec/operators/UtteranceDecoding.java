package sec.operators;

import sec.inference.decode.DecodingState;

/**
 * One utterance being captioned: where it came from (the utterance without its samples, which the
 * decoding state has already encoded), its decoding state and its verdict deadline.
 */
public class UtteranceDecoding {
    public Utterance utterance;
    public long receivedAtMs;
    public long deadlineMs;
    public int partialLength;
    public DecodingState state;
    /** The drafter version this utterance started on (its KV cache belongs to it); null: the configured bundle. */
    public String modelVersion;
    /** The verifier version of the last verdict applied, or null. */
    public String verifierVersion;

    public UtteranceDecoding() {}

    UtteranceDecoding(Utterance u, long now, DecodingState state) {
        this.utterance = u.withoutSamples();
        this.receivedAtMs = now;
        this.state = state;
    }
}
