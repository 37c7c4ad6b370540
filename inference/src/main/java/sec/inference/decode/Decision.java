package sec.inference.decode;

/**
 * The verifier's verdict on a block: how many drafted tokens it accepts (a prefix), the token that
 * replaces the first rejected one, and the bonus token after a fully accepted block (-1 when absent).
 */
public record Decision(int accepted, int correction, int bonus) {
    public static final int NONE = -1;

    public boolean corrected() {
        return correction != NONE;
    }

    public boolean hasBonus() {
        return bonus != NONE;
    }
}
