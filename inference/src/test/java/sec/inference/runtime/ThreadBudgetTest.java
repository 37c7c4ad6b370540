package sec.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ThreadBudgetTest {
    @Test
    void aSlotGetsItsShareOfTheCoresAndNeverLessThanOne() {
        assertEquals(4, ThreadBudget.perSlot(8, 2));
        assertEquals(2, ThreadBudget.perSlot(8, 3), "the remainder is left idle, not oversubscribed");
        assertEquals(1, ThreadBudget.perSlot(2, 4), "more slots than cores: one each");
        assertThrows(IllegalArgumentException.class, () -> ThreadBudget.perSlot(2, 0));
    }

    @Test
    void autoResolvesFromTheSlotsAndANumberStaysAsItIs() {
        assertEquals(ThreadBudget.AUTO_THREADS, ThreadBudget.parse("k", " Auto "));
        assertEquals(3, ThreadBudget.parse("k", "3"));
        assertEquals("k must be 'auto' or a thread count >= 1, got 'many'",
                assertThrows(IllegalArgumentException.class, () -> ThreadBudget.parse("k", "many")).getMessage());
        assertEquals(4, ThreadBudget.resolve(ThreadBudget.AUTO_THREADS, 16, OptionalInt.of(4)));
        assertEquals(1, ThreadBudget.resolve(ThreadBudget.AUTO_THREADS, 16, OptionalInt.empty()), "unknown slots: one thread");
        assertEquals(3, ThreadBudget.resolve(3, 16, OptionalInt.of(4)));
        assertEquals("auto", ThreadBudget.format(ThreadBudget.AUTO_THREADS));
        assertEquals("2", ThreadBudget.format(2));
    }
}
