package sec.cli.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrillResultTest {
    private static DrillResult result(int lost, long verifiedRecoveryMs) {
        return new DrillResult(3, 2, 148, 148 - lost, lost, 0, 1, 0, 0, List.of(), List.of(),
                List.of(new DrillResult.Fault(1, FaultKind.JOBMANAGER_KILL, 12.4, "SIGKILL jobmanager1 (leader)", 20_500, verifiedRecoveryMs, -1)),
                300);
    }

    @Test
    void aDrillPassesOnlyWithNothingLostAndEveryFaultRecovered() throws Exception {
        assertTrue(result(0, 31_000).passed());
        assertFalse(result(1, 31_000).passed(), "a lost caption");
        assertFalse(result(0, -1).passed(), "no verified caption after the fault");
        JsonNode json = new ObjectMapper().readTree(result(0, 31_000).json());
        assertEquals(148, json.path("utterances").asInt());
        assertEquals(1, json.path("edge_only_timeouts").asInt());
        assertEquals("jobmanager-kill", json.path("faults").get(0).path("kind").asText());
        assertEquals(31_000, json.path("faults").get(0).path("to_first_new_verified_caption_ms").asLong());
        assertTrue(json.path("passed").asBoolean());
    }

    @Test
    void theMarkdownHasARowPerFaultAndTheTotals() {
        String md = result(1, -1).markdown();
        assertTrue(md.contains("| 1 | jobmanager-kill | 12 | SIGKILL jobmanager1 (leader) | 20.5 | never | ? |"), md);
        assertTrue(md.contains("| 148 | 147 | 1 | 0 | 1 | 0 | FAILED |"), md);
    }
}
