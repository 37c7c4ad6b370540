package sec.inference.model;

/**
 * Which hundredth of the calls a call id falls in, 0–99, the same on every TaskManager and after
 * every restart ({@link String#hashCode} is fixed by the language; the mix spreads ids that differ in
 * their last characters). A canary of P % takes the calls whose share is below P.
 */
public final class CanaryShare {
    private CanaryShare() {}

    public static int of(String callId) {
        int h = callId.hashCode() * 0x9E3779B1;
        h ^= h >>> 15;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return Math.floorMod(h, 100);
    }

    public static boolean inCanary(String callId, int percent) {
        return of(callId) < percent;
    }
}
