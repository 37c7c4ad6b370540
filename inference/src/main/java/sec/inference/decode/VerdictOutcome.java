package sec.inference.decode;

/** What a verdict did to an utterance's decoding ({@link SpeculativeDecoder#applyVerdict(int, int, Decision)}). */
public enum VerdictOutcome {
    /** It settled a waiting block as the verifier decided. */
    APPLIED,
    /** It named no waiting block (discarded by a rollback, timed out, an old epoch, finished): nothing changed. */
    STALE,
    /** It named a waiting block but does not fit it (garbage): the block was committed as drafted, unverified. */
    UNUSABLE
}
