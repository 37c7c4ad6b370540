package sec.inference.runtime;

import java.util.OptionalInt;

/**
 * How many threads one slot's model may run on: the node's cores divided among the TaskManager's
 * slots, at least one, so that N slots never ask for more cores than the node has. A setting is
 * either a number or {@code auto} (this share); where the slots are not known, {@code auto} is one
 * thread, the share of a node with as many slots as cores.
 */
public final class ThreadBudget {
    /** The setting value that asks for a slot's share. */
    public static final String AUTO = "auto";
    /** How a resolved {@code auto} is held in a typed configuration before the slots are known. */
    public static final int AUTO_THREADS = 0;

    private ThreadBudget() {}

    /** A slot's share of {@code cores}: {@code cores / slots}, at least one. */
    public static int perSlot(int cores, int slots) {
        if (cores < 1 || slots < 1) {
            throw new IllegalArgumentException("cores and slots must be >= 1, got " + cores + ", " + slots);
        }
        return Math.max(1, cores / slots);
    }

    /** {@code auto} as {@link #AUTO_THREADS}, otherwise a thread count of at least one. */
    public static int parse(String key, String value) {
        String v = value.trim();
        if (v.equalsIgnoreCase(AUTO)) {
            return AUTO_THREADS;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException(key + " must be 'auto' or a thread count >= 1, got '" + value + "'");
    }

    /** The setting as written: {@code auto} or the number. */
    public static String format(int threads) {
        return threads == AUTO_THREADS ? AUTO : String.valueOf(threads);
    }

    /** The threads to use: the setting itself, or for {@code auto} this node's share per slot. */
    public static int resolve(int setting, int cores, OptionalInt slots) {
        if (setting != AUTO_THREADS) {
            return setting;
        }
        return slots.isPresent() ? perSlot(cores, slots.getAsInt()) : 1;
    }

    /** The cores this JVM may use (a container's CPU limit where there is one). */
    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }
}
