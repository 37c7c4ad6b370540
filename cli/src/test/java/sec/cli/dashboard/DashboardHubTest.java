package sec.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DashboardHubTest {
    @Test
    void aNewPageGetsTheLastEventsThenTheLatestFiguresThenWhatComes() throws Exception {
        DashboardHub hub = new DashboardHub(3, 10);
        for (int i = 0; i < 5; i++) {
            hub.publish("e" + i);
        }
        hub.publishStats("s1");
        hub.publishStats("s2");
        DashboardHub.Subscriber page = hub.subscribe();
        hub.publish("e5");
        for (String expected : new String[] {"e2", "e3", "e4", "s2", "e5"}) {
            assertEquals(expected, page.next(100));
        }
        assertNull(page.next(10));
    }

    @Test
    void aPageThatStopsReadingIsDroppedNotBuffered() throws Exception {
        DashboardHub hub = new DashboardHub(2, 5);
        DashboardHub.Subscriber slow = hub.subscribe();
        DashboardHub.Subscriber reading = hub.subscribe();
        for (int i = 0; i < 20; i++) {
            hub.publish("e" + i);
            reading.next(100);
        }
        assertTrue(slow.overflowed());
        assertFalse(reading.overflowed());
        assertEquals(1, hub.pages());
    }
}
