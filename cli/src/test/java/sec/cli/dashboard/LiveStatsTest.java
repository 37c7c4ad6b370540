package sec.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class LiveStatsTest {
    @Test
    void rhoAndActiveCallsFollowTheWindow() {
        LiveStats stats = new LiveStats();
        stats.caption("a", 100, 20, 10, 0);
        stats.caption("b", 100, 40, 30, 20_000);
        JsonNode now = stats.snapshot(25_000);
        assertEquals(2, now.get("activeCalls").asInt());
        assertEquals(0.3, now.get("rho").asDouble(), 1e-9);
        assertEquals(40.0 / 60, now.get("acceptance").asDouble(), 1e-9);
        JsonNode quiet = stats.snapshot(45_000); // a quiet for 45 s: not active, its caption still in the minute
        assertEquals(1, quiet.get("activeCalls").asInt());
        assertEquals(0.3, quiet.get("rho").asDouble(), 1e-9);
        JsonNode later = stats.snapshot(70_000); // a's caption left the minute
        assertEquals(0, later.get("activeCalls").asInt());
        assertEquals(0.4, later.get("rho").asDouble(), 1e-9);
        assertEquals(2, later.get("captions").asInt(), "totals keep counting");
        JsonNode empty = stats.snapshot(200_000);
        assertTrue(empty.get("rho").isNull(), "no ρ without drafted tokens");
    }
}
