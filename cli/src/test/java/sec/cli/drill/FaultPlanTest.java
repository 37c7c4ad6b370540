package sec.cli.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FaultPlanTest {
    private static final List<FaultKind> ALL = Arrays.asList(FaultKind.values());

    @Test
    void aSeedGivesOnePlanAndEveryKindComesAtLeastOnce() {
        FaultPlan a = FaultPlan.of(7, 20, ALL, 5_000, 30_000);
        assertEquals(a, FaultPlan.of(7, 20, ALL, 5_000, 30_000), "the same seed, the same plan");
        assertNotEquals(a.steps(), FaultPlan.of(8, 20, ALL, 5_000, 30_000).steps(), "another seed, another plan");
        assertEquals(20, a.steps().size());
        assertEquals(EnumSet.allOf(FaultKind.class), a.steps().stream().map(FaultPlan.Step::kind).collect(Collectors.toSet()));
        assertTrue(a.steps().stream().allMatch(s -> s.gapMs() >= 5_000 && s.gapMs() <= 30_000), a.steps().toString());
    }

    @Test
    void fewerFaultsThanKindsTakeTheFirstKindsNamed() {
        List<FaultKind> kinds = List.of(FaultKind.JOBMANAGER_KILL, FaultKind.CLOUD_RESTART, FaultKind.RESCALE);
        FaultPlan p = FaultPlan.of(1, 2, kinds, 0, 0);
        assertEquals(EnumSet.of(FaultKind.JOBMANAGER_KILL, FaultKind.CLOUD_RESTART),
                p.steps().stream().map(FaultPlan.Step::kind).collect(Collectors.toSet()));
        assertTrue(p.steps().stream().allMatch(s -> s.gapMs() == 0));
    }

    @Test
    void kindsAreNamedAsOnTheCommandLineAndBadPlansAreRefused() {
        assertEquals(FaultKind.TASKMANAGER_KILL, FaultKind.of(" TaskManager-Kill"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FaultKind.of("tm-kill")).getMessage().contains("jobmanager-kill"));
        assertThrows(IllegalArgumentException.class, () -> FaultPlan.of(1, 0, ALL, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> FaultPlan.of(1, 3, List.of(), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> FaultPlan.of(1, 3, ALL, 10, 5));
    }
}
