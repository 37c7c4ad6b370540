package sec.cli.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cluster's fixed ports stay out of the range the kernel hands to outgoing connections and port-0 listeners. */
class LocalClusterPortsTest {

    @Test
    void fixedPortsAreDistinctFreeAndBelowTheEphemeralRange() throws Exception {
        int ephemeralLow = LocalCluster.ephemeralRangeLow();
        assertTrue(ephemeralLow > 1024, "the kernel's range was read: " + ephemeralLow);
        Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            int port = LocalCluster.freeFixedPort(taken);
            assertTrue(port >= 20_000 && port < ephemeralLow, port + " under " + ephemeralLow);
            try (ServerSocket s = new ServerSocket(port)) {
                assertEquals(port, s.getLocalPort());
            }
        }
        assertEquals(7, taken.size(), "seven different ports");
    }

    @Test
    void aPortInUseIsNotHandedOut() throws Exception {
        Set<Integer> taken = new HashSet<>();
        int first = LocalCluster.freeFixedPort(taken);
        try (ServerSocket busy = new ServerSocket(first)) {
            Set<Integer> fresh = new HashSet<>();
            for (int i = 0; i < 50; i++) {
                assertTrue(LocalCluster.freeFixedPort(fresh) != first, "the bound port " + first + " is skipped");
            }
        }
    }
}
