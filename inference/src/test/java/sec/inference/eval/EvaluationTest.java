package sec.inference.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sec.inference.CaptionEngine;
import sec.inference.TestModels;
import sec.inference.decode.SpeculationConfig;

/** The evaluation over a few held-out recordings: the lossless row is the cloud's, runs repeat exactly. */
class EvaluationTest {
    private static CaptionEngine engine;
    private static Evaluation evaluation;
    private static Map<String, EvalVariant> variants;

    @BeforeAll
    static void load() {
        SpeculationConfig base = SpeculationConfig.defaults();
        engine = new CaptionEngine(TestModels.bundle(), base, new CaptionEngine.Network(40, 20, 20));
        evaluation = new Evaluation(engine, null);
        variants = EvalVariant.standard(base).stream().collect(Collectors.toMap(EvalVariant::name, Function.identity()));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void theStandardRowsAreThePapers() {
        assertEquals(List.of("edge", "cloud", "ugsd_g1", "ugsd_g2", "ugsd_g3", "ugsd_g4", "ugsd_g5", "ugsd_g6",
                "ugsd_dynamic", "ugsd_heuristic", "ugsd_rank20", "lossless", "ugsd_credit", "ugsd_plc", "ugsd_credit_plc"),
                EvalVariant.standard(SpeculationConfig.defaults()).stream().map(EvalVariant::name).toList());
    }

    @Test
    void creditAndLookaheadReachOnlyTheirRows() {
        SpeculationConfig base = SpeculationConfig.defaults().withLookahead(3)
                .withCredit(sec.inference.decode.credit.CreditConfig.defaults());
        for (EvalVariant v : EvalVariant.standard(base)) {
            boolean credit = v.name().contains("credit");
            boolean plc = v.name().contains("plc");
            assertEquals(credit, v.config().creditInertia(), v.name());
            assertEquals(plc ? 3 : 0, v.config().lookahead(), v.name());
        }
    }

    @Test
    void losslessEqualsCloudAndRunsRepeat() {
        int recordings = 8; // with 4, UGSD sent nothing in one language with the pair of 2026-12-03
        for (String lang : new String[] {"en", "zh"}) {
            Evaluation.Prepared p = evaluation.prepare(EvalSet.load(TestModels.dir().resolve("eval").resolve(lang), lang,
                    recordings));
            Evaluation.Run cloud = evaluation.run(p, variants.get("cloud"));
            Evaluation.Run lossless = evaluation.run(p, variants.get("lossless"));
            for (int i = 0; i < recordings; i++) {
                assertArrayEquals(cloud.captions().get(i).tokens(), lossless.captions().get(i).tokens(), lang + " " + i);
            }
            assertEquals(cloud.scores().quality(), lossless.scores().quality());
            assertEquals(1.0, lossless.scores().rho(), 1e-9, "lossless verifies every drafted token");

            Evaluation.Run a = evaluation.run(p, variants.get("ugsd_dynamic"));
            Evaluation.Run b = evaluation.run(p, variants.get("ugsd_dynamic"));
            assertEquals(a.scores().quality(), b.scores().quality());
            assertEquals(a.scores().rho(), b.scores().rho());
            assertEquals(a.scores().uplinkBytes(), b.scores().uplinkBytes());
            assertTrue(a.scores().rho() > 0 && a.scores().rho() < 1, "UGSD sends some blocks: " + a.scores().rho());
            assertTrue(a.scores().uplinkShare() > 0 && a.scores().uplinkShare() < 0.1);

            Evaluation.Run edge = evaluation.run(p, variants.get("edge"));
            assertEquals(0, edge.scores().uplinkBytes());
            assertEquals(100.0, edge.scores().edgeCpuPercent(), 1e-9);
            assertTrue(a.scores().totalMs() > edge.scores().totalMs() + 40 * a.scores().rho(),
                    "verification round trips pay the emulated RTT");
        }
    }

    @Test
    void gapClosedIsTheShareOfTheEdgeToCloudDifference() {
        assertEquals(75.0, VariantScores.gapClosed(85, 70, 90), 1e-9);
        assertEquals(0.0, VariantScores.gapClosed(70, 70, 90), 1e-9);
        assertTrue(Double.isNaN(VariantScores.gapClosed(70, 70, 70)));
    }

    @Test
    void aSetWithoutReferencesOrWithAnotherLanguageIsRefused(@TempDir Path dir) throws Exception {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> EvalSet.load(dir, "en", 0));
        assertTrue(none.getMessage().contains("references.jsonl"), none.getMessage());
        Files.writeString(dir.resolve("references.jsonl"), "{\"file\":\"a.wav\",\"lang\":\"zh\",\"references\":[\"x\"]}\n");
        IllegalArgumentException lang = assertThrows(IllegalArgumentException.class, () -> EvalSet.load(dir, "en", 0));
        assertTrue(lang.getMessage().contains("language zh"), lang.getMessage());
        Files.writeString(dir.resolve("references.jsonl"), "{\"file\":\"a.wav\",\"references\":[\"x\"]}\n");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> EvalSet.load(dir, "en", 0));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }
}
