package sec.inference.decode;

/**
 * A block drafted past the committed caption. It is committed once every block before it is
 * resolved: at once when confident, by its verdict when sent. With pipelined drafting several
 * wait behind the oldest one, each drafted as if everything before it were accepted.
 */
final class AheadBlock {
    final DraftBlock block;
    /** Sent for verification (uncertain) rather than held back as confident. */
    final boolean sent;
    /** Id of a sent block (0 for a confident one). */
    final int blockId;
    /** The state's epoch when it was drafted; a rollback bumps the epoch and drops it. */
    final int epoch;
    /** Its verdict, once arrived while an older block still waits (null before). */
    Decision verdict;

    AheadBlock(DraftBlock block, boolean sent, int blockId, int epoch) {
        this.block = block;
        this.sent = sent;
        this.blockId = blockId;
        this.epoch = epoch;
    }
}
