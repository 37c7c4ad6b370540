package sec.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.verify.VerificationService;
import sec.inference.drafter.DraftSession;
import sec.inference.drafter.EncodedAudio;
import sec.inference.model.ModelManifest;
import sec.inference.verifier.VerifyInput;

/** The warm-up drafts and verifies through the real models and leaves them as it found them. */
class ModelWarmupTest {
    private static final SpeculationConfig CONFIG = SpeculationConfig.builder().build();

    @Test
    void theDrafterDraftsEverySyntheticUtteranceAndAnswersAsBefore() {
        ModelManifest manifest = TestModels.manifest();
        try (EdgeModels edge = EdgeModels.load(manifest)) {
            AudioFeatures heard = TestModels.firstHeldOut("en");
            float[] before = firstLogits(edge, heard, manifest);
            int tokens = ModelWarmup.edge(edge, CONFIG);
            int utterances = java.util.Arrays.stream(ModelWarmup.DRAFT_BATCHES).sum();
            assertTrue(tokens >= 3 * utterances, "the synthetic utterances were drafted to captions: " + tokens + " tokens");
            assertArrayEquals(before, firstLogits(edge, heard, manifest), "the drafter answers a recording as before the warm-up");
        }
    }

    @Test
    void theVerifierScoresEveryBlockAndAnswersAsBefore() {
        ModelManifest manifest = TestModels.manifest();
        try (CloudModels cloud = CloudModels.load(manifest)) {
            EncodedAudio audio;
            try (EdgeModels edge = EdgeModels.load(manifest)) {
                audio = edge.drafter().encode(TestModels.firstHeldOut("zh"));
            }
            long[] prompt = manifest.prompt("zh");
            long[] tokens = java.util.Arrays.copyOf(prompt, prompt.length + 3);
            List<VerifyInput> input = List.of(new VerifyInput(audio.context(), audio.steps(), tokens, prompt.length));
            float[] before = cloud.verifier().score(input).get(0)[0];
            int blocks = ModelWarmup.cloud(new VerificationService(cloud.verifier(), manifest, CONFIG), manifest);
            assertEquals(ModelWarmup.VERIFIER_PASSES / 4 * (1 + 2 + 3 + 4), blocks, "every pass's blocks got a decision");
            assertArrayEquals(before, cloud.verifier().score(input).get(0)[0], "the verifier scores a request as before the warm-up");
        }
    }

    private static float[] firstLogits(EdgeModels edge, AudioFeatures f, ModelManifest manifest) {
        DraftSession s = edge.drafter().start(edge.drafter().encode(f), manifest.prompt("en"));
        return s.lastLogits().clone();
    }
}
