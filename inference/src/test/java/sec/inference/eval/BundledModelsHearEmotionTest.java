package sec.inference.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sec.inference.CaptionEngine;
import sec.inference.TestModels;
import sec.inference.decode.SpeculationConfig;
import sec.inference.metrics.EmotionScores;

/**
 * Fails when a deaf bundle is committed: on the first 50 held-out recordings of each language,
 * through the Java path (front end, ONNX drafter, TorchScript verifier), the cloud must name the
 * emotion the recording was spoken with in at least 80 % and the edge in at least 55 % (chance is
 * 12.5 %). Greedy decoding is deterministic, so this is not flaky.
 */
class BundledModelsHearEmotionTest {
    private static final int RECORDINGS = 50;

    @ParameterizedTest
    @ValueSource(strings = {"en", "zh"})
    void cloudAndEdgeNameTheEmotion(String lang) {
        EvalSet set = EvalSet.load(TestModels.dir().resolve("eval").resolve(lang), lang, RECORDINGS);
        try (CaptionEngine engine = new CaptionEngine(TestModels.bundle(),
                SpeculationConfig.defaults().withMode(SpeculationConfig.Mode.UGSD), CaptionEngine.Network.none())) {
            Evaluation evaluation = new Evaluation(engine, null);
            Evaluation.Prepared prepared = evaluation.prepare(set);
            List<EvalVariant> variants = EvalVariant.standard(SpeculationConfig.defaults()).stream()
                    .filter(v -> v.name().equals("cloud") || v.name().equals("edge")).toList();
            for (EvalVariant v : variants) {
                EmotionScores e = evaluation.run(prepared, v).scores().emotion();
                double floor = v.name().equals("cloud") ? 80 : 55;
                System.out.printf(java.util.Locale.ROOT, "%s %s: emotion named in %.1f %% of %d (floor %.0f %%), per emotion %s%n",
                        lang, v.name(), e.accuracy(), e.captions(), floor, e.correctPerLabel());
                assertTrue(e.captions() == RECORDINGS, "every recording has an emotion label");
                assertTrue(e.accuracy() >= floor, lang + " " + v.name() + " names the emotion in " + e.accuracy()
                        + " % of " + RECORDINGS + " held-out recordings, under " + floor + " %");
            }
        }
    }
}
