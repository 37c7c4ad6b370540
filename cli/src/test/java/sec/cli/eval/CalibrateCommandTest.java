package sec.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sec.inference.decode.credit.CreditTable;
import sec.inference.eval.CreditCalibration;
import sec.cli.SecCli;

/** `sec calibrate` writes a table that `sec eval --credit-table` runs the credit rows with. */
class CalibrateCommandTest {
    @Test
    void theTableItWritesDrivesTheCreditRows(@TempDir Path dir) throws Exception {
        Path table = dir.resolve("credit-table.json");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int code = SecCli.execute(new PrintWriter(stdout, true), new PrintWriter(stderr, true), "calibrate",
                "--lang", "en", "--limit", "10", "--out", table.toString());
        assertEquals(0, code, stdout + "\n" + stderr);
        CreditTable t = CreditTable.load(table);
        assertEquals(CreditCalibration.BUCKETS.length, t.tau().length);
        for (double tau : t.tau()) {
            assertTrue(tau >= 0.6 && tau <= 2.4, "within the credit clamps: " + tau);
        }
        assertTrue(stdout.toString().contains("verified windows"), stdout.toString());

        Path out = dir.resolve("eval");
        code = SecCli.execute(new PrintWriter(stdout, true), new PrintWriter(stderr, true), "eval", "--lang", "en",
                "--limit", "4", "--variants", "ugsd_dynamic,ugsd_credit,ugsd_credit_plc", "--credit-table", table.toString(),
                "--no-plots", "--out", out.toString());
        assertEquals(0, code, stdout + "\n" + stderr);
        JsonNode r = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        for (String v : new String[] {"ugsd_credit", "ugsd_credit_plc"}) {
            assertEquals(4, r.path("en").path(v).path("captions").asInt(), v + ": " + r.path("en"));
        }
    }
}
