package sec.inference.decode;

/**
 * A block drafted past the committed caption. It is committed once every block before it is
 * resolved: at once when confident, by its verdict when sent. With pipelined drafting several
 * wait behind the oldest one, each drafted as if everything before it were accepted.
 */
public final class AheadBlock {
    final DraftBlock block;
    final boolean sent;
    final int blockId;
    final int epoch;
    Decision verdict;

    AheadBlock(DraftBlock block, boolean sent, int blockId, int epoch) {
        this.block = block;
        this.sent = sent;
        this.blockId = blockId;
        this.epoch = epoch;
    }

    public DraftBlock block() {
        return block;
    }

    /** Sent for verification (uncertain) rather than held back as confident. */
    public boolean sent() {
        return sent;
    }

    /** Id of a sent block (0 for a confident one). */
    public int blockId() {
        return blockId;
    }

    /** The state's epoch when it was drafted; a rollback bumps the epoch and drops it. */
    public int epoch() {
        return epoch;
    }

    /** Its verdict, once arrived while an older block still waits (null before). */
    public Decision verdict() {
        return verdict;
    }
}
