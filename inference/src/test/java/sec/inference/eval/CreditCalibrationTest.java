package sec.inference.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.credit.CreditConfig;

/** The fit on synthetic windows whose best thresholds are known. */
class CreditCalibrationTest {
    private static final CreditCalibration FIT = new CreditCalibration(null, SpeculationConfig.defaults(), CreditConfig.defaults());

    /**
     * Low credit: uncertain windows (entropy 1.0-2.0) are mostly wrong, so the gate must send them.
     * High credit: they are right, so sending them only costs round trips.
     */
    @Test
    void lowCreditTightensAndHighCreditRelaxes() {
        Random r = new Random(1);
        List<CreditCalibration.Window> windows = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            boolean low = i % 2 == 0;
            double entropy = r.nextDouble() * 2.5;
            boolean wrong = low ? entropy > 0.9 : entropy > 2.3;
            windows.add(new CreditCalibration.Window(low ? 0.2 : 0.95, entropy, 4, wrong ? 1 : 4, 60));
        }
        CreditCalibration.Result result = FIT.fit(windows, "synthetic");
        double lowTau = result.table().tauFor(0.2);
        double highTau = result.table().tauFor(0.95);
        assertTrue(lowTau <= 0.9 + 1e-9, "errors above 0.9 nats at low credit: τ " + lowTau);
        assertTrue(highTau >= 2.2 - 1e-9, "errors only above 2.3 nats at high credit: τ " + highTau);
        assertEquals(200, result.windowsPerBucket()[0]);
        assertEquals(200, result.windowsPerBucket()[CreditCalibration.BUCKETS.length - 1]);
        assertEquals(result.table().tauFor(0.6), result.table().tauFor(0.6), "empty buckets take the global optimum");
    }

    @Test
    void theCostCountsRoundTripsForSentWindowsAndPricedErrorsForKeptOnes() {
        List<CreditCalibration.Window> w = List.of(
                new CreditCalibration.Window(0.5, 1.0, 4, 4, 50),
                new CreditCalibration.Window(0.5, 2.0, 4, 2, 70));
        double[] c = CreditCalibration.cost(w, new double[] {0.5, 1.5, 2.5}, 10);
        assertEquals((50 + 70) / 8.0, c[0], 1e-9, "both sent");
        assertEquals((0 + 70) / 8.0, c[1], 1e-9, "the confident one kept (no errors), the other sent");
        assertEquals((0 + 10 * 2) / 8.0, c[2], 1e-9, "both kept: two wrong tokens at 10 ms each");
    }
}
