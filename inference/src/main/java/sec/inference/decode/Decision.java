package sec.inference.decode;

/**
 * The verifier's verdict on a block: how many drafted tokens it accepts (a prefix), the token that
 * replaces the first rejected one, and the bonus token after a fully accepted block (-1 when absent).
 */
public record Decision(int accepted, int correction, int bonus) {
    public static final int NONE = -1;
    /** A verdict that fits no block: the block is committed as drafted, unverified. */
    public static final Decision UNUSABLE = new Decision(-1, NONE, NONE);

    public boolean corrected() {
        return correction != NONE;
    }

    public boolean hasBonus() {
        return bonus != NONE;
    }

    /**
     * Whether this can be the verdict on a block of that length: an accepted count within the
     * block, and tokens (when present) inside the vocabulary. A verifier answering anything else is
     * answering garbage, and its verdict is not used at all.
     */
    public boolean fits(int blockLength, int vocabSize) {
        return accepted >= 0 && accepted <= blockLength && token(correction, vocabSize) && token(bonus, vocabSize);
    }

    private static boolean token(int id, int vocabSize) {
        return id == NONE || (id >= 0 && id < vocabSize);
    }
}
