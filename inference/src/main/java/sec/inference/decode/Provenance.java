package sec.inference.decode;

/** Who produced a committed caption token. */
public enum Provenance {
    /** Drafted on the edge and committed without verification (confident block). */
    EDGE,
    /** Drafted on the edge and accepted by the verifier. */
    VERIFIED,
    /** Chosen by the verifier: the replacement of a rejected token, or the bonus token. */
    CORRECTED,
    /** Sent for verification, but no verdict came before the deadline: committed as drafted. */
    UNVERIFIED_TIMEOUT
}
