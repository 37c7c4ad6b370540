package sec.inference.verifier;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's CPU thread budget, which is one per JVM (a TaskManager's every verifier shares it):
 * intra-op threads per forward pass, one inter-op thread. libtorch's own default is a thread per
 * core with spinning waits, which collapses when the node is shared (the verifier went 19–46×
 * slower beside a second workload on two cores); a budget of one per verifier subtask keeps a
 * node's slots from asking for more cores than it has.
 */
public final class TorchThreads {
    /** One intra-op thread: a slot's share of a node with as many slots as cores. */
    public static final int DEFAULT = 1;

    private TorchThreads() {}

    /** Sets the budget: inter-op before the engine starts (it can be set only then), intra-op now. */
    public static synchronized void apply(int intraOp) {
        if (intraOp < 1) {
            throw new IllegalArgumentException("verifier threads must be >= 1, got " + intraOp);
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        Engine.getEngine("PyTorch"); // starts with the inter-op property above when it has not yet
        JniUtils.setNumThreads(intraOp); // also when the engine started before, for another verifier
    }

    /** The intra-op threads in force. */
    public static int intraOp() {
        Engine.getEngine("PyTorch");
        return JniUtils.getNumThreads();
    }
}
