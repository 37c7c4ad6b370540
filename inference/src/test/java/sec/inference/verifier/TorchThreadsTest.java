package sec.inference.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import sec.inference.TestModels;
import sec.inference.model.ModelManifest;

/**
 * The verifier's thread budget reaches libtorch, also when the engine started before with another; a
 * forward pass uses as much of it as its batch pays for; the wait policy reaches libgomp.
 */
class TorchThreadsTest {
    @Test
    void theBudgetIsWhatLibtorchRunsWith() {
        ModelManifest manifest = ModelManifest.load(TestModels.bundle());
        try (Verifier v = Verifier.load(manifest, 2)) {
            assertEquals(2, TorchThreads.budget());
        }
        try (Verifier v = Verifier.load(manifest)) {
            assertEquals(TorchThreads.DEFAULT, TorchThreads.budget(), "the default budget: one thread");
            assertEquals(TorchThreads.DEFAULT, TorchThreads.intraOp(), "loading scored a batch of 1 on this thread");
        }
        assertThrows(IllegalArgumentException.class, () -> TorchThreads.apply(0));
    }

    @Test
    void aPassUsesASecondThreadOnlyForABigBatch() throws Exception {
        ModelManifest manifest = ModelManifest.load(TestModels.bundle());
        VerifyInput one = new VerifyInput(new byte[manifest.contextDim()], 1, new long[] {0, 0}, 1);
        try (Verifier v = Verifier.load(manifest, 2)) {
            // on a thread of its own, as the cloud job's batcher scores: the count is the scoring thread's
            int[] seen = new int[2];
            Thread scorer = new Thread(() -> {
                v.score(java.util.Collections.nCopies(2 * TorchThreads.REQUESTS_PER_THREAD, one));
                seen[0] = TorchThreads.intraOp();
                v.score(java.util.List.of(one));
                seen[1] = TorchThreads.intraOp();
            });
            scorer.start();
            scorer.join();
            assertEquals(2, seen[0], "24 requests: both threads of the budget");
            assertEquals(1, seen[1], "a batch of 1: one thread, a second costs more than it computes");
        }
        assertEquals(1, TorchThreads.threadsFor(11, 4));
        assertEquals(3, TorchThreads.threadsFor(36, 4));
        assertEquals(4, TorchThreads.threadsFor(100, 4), "never more than the budget");
        assertEquals(1, TorchThreads.threadsFor(100, 1));
    }

    @Test
    void libgompIsToldToWaitPassivelyUnlessTheEnvironmentSaysOtherwise() {
        try (Verifier v = Verifier.load(ModelManifest.load(TestModels.bundle()), 1, TorchThreads.WaitPolicy.PASSIVE)) {
            String inherited = System.getenv("OMP_WAIT_POLICY"); // Java's copy of the environment at start
            assertEquals(inherited == null ? "PASSIVE" : inherited, TorchThreads.waitPolicy());
        }
        assertEquals(TorchThreads.WaitPolicy.ACTIVE, TorchThreads.WaitPolicy.parse("k", " Active"));
        assertThrows(IllegalArgumentException.class, () -> TorchThreads.WaitPolicy.parse("k", "spin"));
    }
}
