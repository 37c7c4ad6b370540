package sec.inference.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sec.inference.AudioFeatures;
import sec.inference.CloudModels;
import sec.inference.EdgeModels;
import sec.inference.FeatureExtractor;
import sec.inference.TestModels;
import sec.inference.TestPair;
import sec.inference.audio.WavReader;
import sec.inference.decode.offline.CaptionResult;
import sec.inference.decode.offline.Speculator;
import sec.inference.decode.verify.InProcessLink;
import sec.inference.drafter.Drafter;
import sec.inference.model.ModelManifest;
import sec.inference.text.CaptionTokenizer;
import sec.inference.verifier.Verifier;

/**
 * The lossless invariant: with exact-greedy acceptance and τ below every entropy (every block verified), UGSD's
 * caption is token for token the verifier's own greedy caption.
 */
class LosslessInvariantTest {
    private static final int PER_LANGUAGE = 50;
    private static EdgeModels edge;
    private static CloudModels cloud;
    private static ModelManifest manifest;
    private static Drafter drafter;
    private static Verifier verifier;
    private static CaptionTokenizer tokenizer;

    @BeforeAll
    static void load() {
        TestPair pair = TestPair.shared();
        manifest = pair.manifest();
        edge = pair.edge();
        drafter = edge.drafter();
        cloud = pair.cloud();
        verifier = cloud.verifier();
        tokenizer = edge.tokenizer();
    }

    private static Speculator speculator(SpeculationConfig config) {
        return new Speculator(drafter, verifier, manifest, tokenizer, config, new InProcessLink(verifier));
    }

    @ParameterizedTest
    @ValueSource(strings = {"en", "zh"})
    void exactUgsdEqualsCloudOnHeldOutUtterances(String lang) throws Exception {
        SpeculationConfig lossless = SpeculationConfig.defaults()
                .withAcceptance(SpeculationConfig.Acceptance.EXACT, 1).withTau(-1.0);
        Speculator ugsd = speculator(lossless);
        Speculator cloud = speculator(lossless.withMode(SpeculationConfig.Mode.CLOUD));
        FeatureExtractor fx = FeatureExtractor.of(manifest);
        List<TestModels.HeldOut> set = TestModels.heldOut(lang, PER_LANGUAGE);
        assertEquals(PER_LANGUAGE, set.size());
        int corrected = 0;
        for (TestModels.HeldOut h : set) {
            AudioFeatures mel = fx.features(WavReader.read(h.wav()), 0, h.wav().toString());
            CaptionResult a = ugsd.caption(mel, lang);
            CaptionResult b = cloud.caption(mel, lang);
            assertArrayEquals(b.tokens(), a.tokens(), h.wav() + ": '" + a.text() + "' vs cloud '" + b.text() + "'");
            assertEquals(a.drafted(), a.sent(), "tau below every entropy sends every drafted token");
            corrected += a.corrected();
        }
        assertTrue(corrected > 0, "the verifier corrected nothing: the test would not notice a broken rollback");
    }
}
