package sec.inference.decode.credit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Credit inertia's dynamics: relaxes under accepts, tightens under rejects, clamps, no fast flips. */
class CreditPolicyTest {
    private static final CreditConfig C = CreditConfig.defaults();

    @Test
    void aRunOfAcceptsRelaxesTheGateUpToItsClamp() {
        CreditPolicy p = new CreditPolicy(C, 1.2);
        double last = p.tau();
        for (int i = 0; i < 40; i++) {
            p.onWindow(4, 4);
            assertTrue(p.tau() >= last, "never tightens under accepts");
            last = p.tau();
        }
        assertEquals(C.tauMax(), p.tau(), 1e-12);
        assertEquals(2, p.gammaLevel(), "longest window");
        assertEquals(1.0, p.credit(), 1e-12);
    }

    @Test
    void aRunOfPartialRejectsTightensTheGateDownToItsClamp() {
        CreditPolicy p = new CreditPolicy(C, 1.2);
        double last = p.tau();
        for (int i = 0; i < 40; i++) {
            p.onWindow(2, 4); // 0.5: below neutral, above the fallback floor
            assertTrue(p.tau() <= last, "never relaxes under rejects");
            last = p.tau();
        }
        assertEquals(C.tauMin(), p.tau(), 1e-12);
        assertEquals(0, p.gammaLevel());
    }

    @Test
    void aBadlyWrongWindowFallsBackAtOnce() {
        CreditPolicy p = new CreditPolicy(C, 1.2);
        for (int i = 0; i < 10; i++) {
            p.onWindow(4, 4);
        }
        assertTrue(p.tau() > 1.2);
        p.onWindow(0, 4);
        assertEquals(C.tauFallback(), p.tau(), 1e-12, "no waiting for the refresh interval");
        assertEquals(0, p.gammaLevel());
    }

    @Test
    void creditNearNeutralMovesNothing() {
        CreditPolicy p = new CreditPolicy(C, 1.2);
        for (int i = 0; i < 30; i++) {
            p.onWindow(3, 4); // 0.75 = neutral, inside the hysteresis band
        }
        assertEquals(1.2, p.tau(), 1e-12);
        assertEquals(1, p.gammaLevel());
    }

    @Test
    void neverLeavesItsClampsAndNeverMovesTwiceWithinTheRefreshInterval() {
        Random r = new Random(7);
        for (int run = 0; run < 200; run++) {
            CreditPolicy p = new CreditPolicy(C, 0.6 + 1.8 * r.nextDouble());
            double before = p.tau();
            int lastMove = -C.refreshWindows();
            for (int w = 0; w < 100; w++) {
                int sent = 1 + r.nextInt(6);
                p.onWindow(r.nextInt(sent + 1), sent);
                assertTrue(p.tau() >= C.tauMin() && p.tau() <= C.tauMax(), "tau " + p.tau());
                assertTrue(p.credit() >= 0 && p.credit() <= 1);
                if (p.tau() != before) {
                    boolean fallback = p.tau() == C.tauFallback();
                    assertTrue(fallback || w - lastMove >= C.refreshWindows(),
                            "moved at window " + w + " after a move at " + lastMove);
                    lastMove = w;
                    before = p.tau();
                }
            }
        }
    }

    @Test
    void creditIsTheEwmaOfTheLastWindowsOnly() {
        CreditPolicy p = new CreditPolicy(C, 1.2);
        for (int i = 0; i < 5; i++) {
            p.onWindow(0, 1); // old history, pushed out below
        }
        for (int i = 0; i < C.history(); i++) {
            p.onWindow(1, 1);
        }
        assertEquals(1.0, p.credit(), 1e-12, "only the last " + C.history() + " windows count");
        p.onWindow(1, 2);
        // oldest first over [1, 1, 1, 1, 0.5]: s = 1, 1, 1, 1, then 0.3 * 0.5 + 0.7 * 1 = 0.85
        assertEquals(0.85, p.credit(), 1e-12);
    }

    private static final CreditTable TABLE = new CreditTable(new double[] {0.4, 0.8, 1.0}, new double[] {0.8, 1.2, 2.0}, "test");

    @Test
    void withATableTauIsTheTablesValueForTheCredit() {
        CreditPolicy p = new CreditPolicy(C.withTable(TABLE), 1.2);
        for (int i = 0; i < 10; i++) {
            p.onWindow(4, 4);
        }
        assertEquals(2.0, p.tau(), 1e-12, "credit 1.0: the top bucket");
        for (int i = 0; i < 10; i++) {
            p.onWindow(1, 3); // 0.33: above the fallback floor, in the bottom bucket
        }
        assertEquals(0.8, p.tau(), 1e-12);
        assertEquals(0, p.gammaLevel());
    }

    @Test
    void withATableACreditNearABucketEdgeDoesNotMoveTau() {
        CreditPolicy p = new CreditPolicy(C.withTable(TABLE), 1.2);
        for (int i = 0; i < 10; i++) {
            p.onWindow(41, 50); // 0.82: within the hysteresis band of the 0.8 edge
        }
        assertEquals(1.2, p.tau(), 1e-12, "stays where it started");
    }

    @Test
    void theStateSurvivesItsBinaryFormAndGoesOnTheSame() throws java.io.IOException {
        CreditPolicy a = new CreditPolicy(C, 1.2);
        Random r = new Random(3);
        for (int i = 0; i < 7; i++) {
            a.onWindow(r.nextInt(5), 4);
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        a.writeTo(new java.io.DataOutputStream(bytes));
        CreditPolicy b = CreditPolicy.readFrom(new java.io.DataInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray())), C);
        for (int i = 0; i < 30; i++) {
            int sent = 1 + r.nextInt(6);
            int accepted = r.nextInt(sent + 1);
            a.onWindow(accepted, sent);
            b.onWindow(accepted, sent);
            assertEquals(a.tau(), b.tau(), 1e-12);
            assertEquals(a.gammaLevel(), b.gammaLevel());
            assertEquals(a.credit(), b.credit(), 1e-12);
        }
    }

    @Test
    void aBadTableFileFailsWithItsName(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path f = dir.resolve("credit.json");
        TABLE.save(f);
        CreditTable back = CreditTable.load(f);
        org.junit.jupiter.api.Assertions.assertArrayEquals(TABLE.tau(), back.tau());
        java.nio.file.Files.writeString(f, "{\"buckets\": []}");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CreditTable.load(f));
        assertTrue(e.getMessage().contains("credit.json"), e.getMessage());
    }
}
