package sec.inference.verifier;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libtorch's CPU thread budget, which is one per JVM (a TaskManager's every verifier shares it):
 * the most intra-op threads a forward pass may use (each pass takes what its batch pays for, see
 * {@link #forPass}), one inter-op thread, and how idle OpenMP threads wait.
 * libtorch's own default is a thread per core with spinning waits, which collapses when the node
 * is shared (the verifier went 19–46× slower beside a second workload on two cores).
 */
public final class TorchThreads {
    private static final Logger LOG = LoggerFactory.getLogger(TorchThreads.class);
    /** One intra-op thread: a slot's share of a node with as many slots as cores. */
    public static final int DEFAULT = 1;

    /**
     * How libgomp's idle threads wait for the next parallel region: {@code PASSIVE} sleeps at once
     * (no core burnt between forward passes, the right thing on a shared node), {@code ACTIVE}
     * spins (a little faster on a node the verifier owns, a collapse on one it does not).
     */
    public enum WaitPolicy {
        PASSIVE,
        ACTIVE;

        public static WaitPolicy parse(String key, String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + " must be passive or active, got '" + value + "'");
            }
        }
    }

    private static final String POLICY_VARIABLE = "OMP_WAIT_POLICY";
    /**
     * Requests per intra-op thread in one forward pass. A second thread pays only for big batches:
     * on two cores (verifier of 2026-12, 33 context steps, prompt + 16 tokens) a batch of 1 ran at
     * 250–290 blocks/s on one thread and 120–140 on two (the waking thread costs more than it
     * computes), 16 broke even (~500 both) and 24–32 gained 15–40 % (575–730 against 470–520).
     */
    static final int REQUESTS_PER_THREAD = 12;
    private static boolean configured;
    private static volatile int budget = DEFAULT;

    private TorchThreads() {}

    /** {@link #apply(int, WaitPolicy)} with passive waits. */
    public static void apply(int intraOp) {
        apply(intraOp, WaitPolicy.PASSIVE);
    }

    /**
     * Sets the budget. The inter-op threads and the wait policy can only be set before the engine
     * starts (libgomp reads its environment when it is loaded), so the first call in a JVM decides
     * them; an {@code OMP_WAIT_POLICY} already in the environment wins over {@code policy}. The
     * budget is replaced on every call, and each forward pass takes its share of it ({@link #forPass}).
     */
    public static synchronized void apply(int intraOp, WaitPolicy policy) {
        if (intraOp < 1) {
            throw new IllegalArgumentException("verifier threads must be >= 1, got " + intraOp);
        }
        if (!configured) {
            configured = true;
            if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
                System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
            }
            try {
                String inherited = C.LIB.getenv(POLICY_VARIABLE);
                if (inherited == null) {
                    C.LIB.setenv(POLICY_VARIABLE, policy.name(), 0);
                }
                LOG.info("libtorch: {} intra-op threads, 1 inter-op, OpenMP wait policy {}", intraOp,
                        inherited == null ? policy : inherited + " (from the environment)");
            } catch (LinkageError | RuntimeException e) { // a C library without setenv: libgomp keeps its default
                LOG.warn("cannot set {} for libtorch ({}); set it in the environment", POLICY_VARIABLE, e.toString());
            }
        }
        Engine.getEngine("PyTorch"); // starts with the settings above when it has not yet
        budget = intraOp; // each pass sets its own count from it (forPass), also for a verifier loaded before
    }

    /** The JVM's budget: the most intra-op threads one forward pass may use. */
    public static int budget() {
        return budget;
    }

    /**
     * Threads for a forward pass over {@code requests} requests: one per {@link
     * #REQUESTS_PER_THREAD} requests, at least one and at most the budget, set on the calling
     * thread (OpenMP's thread count belongs to the thread that opens the parallel region).
     */
    public static void forPass(int requests) {
        int threads = threadsFor(requests, budget);
        if (JniUtils.getNumThreads() != threads) {
            JniUtils.setNumThreads(threads);
        }
    }

    static int threadsFor(int requests, int budget) {
        return Math.max(1, Math.min(budget, requests / REQUESTS_PER_THREAD));
    }

    /** The intra-op threads in force on the calling thread. */
    public static int intraOp() {
        Engine.getEngine("PyTorch");
        return JniUtils.getNumThreads();
    }

    /** The wait policy libgomp was given (what the environment holds now). */
    public static String waitPolicy() {
        try {
            String v = C.LIB.getenv(POLICY_VARIABLE);
            return v == null ? "unset (libgomp spins)" : v;
        } catch (LinkageError | RuntimeException e) {
            return "unknown (" + e + ")";
        }
    }

    /** The C library's environment, which libgomp reads (Java's System.getenv is a copy taken at start). */
    interface C extends Library {
        C LIB = Native.load("c", C.class);

        String getenv(String name);

        int setenv(String name, String value, int overwrite);
    }
}
