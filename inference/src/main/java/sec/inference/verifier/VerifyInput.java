package sec.inference.verifier;

/**
 * One request to score: the utterance's int8 context ([steps][contextDim] flattened) and the token
 * sequence prompt + committed prefix + drafted block. {@code blockStart} is the index of the first
 * drafted token; the verifier returns the rows that predict positions blockStart .. length (the
 * last row gives the bonus token).
 */
public record VerifyInput(byte[] context, int contextSteps, long[] tokens, int blockStart) {
    public VerifyInput {
        if (blockStart < 1 || blockStart > tokens.length) {
            throw new IllegalArgumentException("block start " + blockStart + " outside 1.." + tokens.length);
        }
        if (contextSteps <= 0) {
            throw new IllegalArgumentException("empty acoustic context");
        }
    }

    public int blockLength() {
        return tokens.length - blockStart;
    }
}
