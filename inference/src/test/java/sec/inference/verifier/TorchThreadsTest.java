package sec.inference.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import sec.inference.TestModels;
import sec.inference.model.ModelManifest;

/** The verifier's thread budget reaches libtorch, also when the engine started before with another; so does its wait policy. */
class TorchThreadsTest {
    @Test
    void theBudgetIsWhatLibtorchRunsWith() {
        ModelManifest manifest = ModelManifest.load(TestModels.bundle());
        try (Verifier v = Verifier.load(manifest, 2)) {
            assertEquals(2, TorchThreads.intraOp());
        }
        try (Verifier v = Verifier.load(manifest)) {
            assertEquals(TorchThreads.DEFAULT, TorchThreads.intraOp(), "the default budget: one thread");
        }
        assertThrows(IllegalArgumentException.class, () -> TorchThreads.apply(0));
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
