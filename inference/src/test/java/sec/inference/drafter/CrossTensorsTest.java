package sec.inference.drafter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sec.inference.TestModels;
import sec.inference.model.ModelManifest;

/**
 * The drafter keeps the cross tensors of the session it fed last: sessions of other audio fed in
 * turn each get their own, exactly the logits each gets fed alone by a drafter of its own.
 */
class CrossTensorsTest {
    private static ModelManifest manifest;
    private static Drafter drafter;
    private static EncodedAudio en;
    private static EncodedAudio zh;

    @BeforeAll
    static void load() {
        manifest = TestModels.manifest();
        drafter = Drafter.load(manifest, 1);
        en = drafter.encode(TestModels.firstHeldOut("en"));
        zh = drafter.encode(TestModels.firstHeldOut("zh"));
    }

    @AfterAll
    static void close() {
        drafter.close();
    }

    private static float[][] alone(EncodedAudio audio, String lang, long[] tokens) {
        try (Drafter own = Drafter.load(manifest, 1)) {
            DraftSession s = own.start(audio, manifest.prompt(lang));
            float[][] out = new float[tokens.length][];
            for (int i = 0; i < tokens.length; i++) {
                out[i] = own.feed(s, tokens[i]);
            }
            return out;
        }
    }

    @Test
    void sessionsFedInTurnEachUseTheirOwnCrossKeysAndValues() {
        long[] tokens = {10, 20, 30};
        DraftSession a = drafter.start(en, manifest.prompt("en"));
        DraftSession b = drafter.start(zh, manifest.prompt("zh"));
        float[][] wantA = alone(en, "en", tokens);
        float[][] wantB = alone(zh, "zh", tokens);
        for (int i = 0; i < tokens.length; i++) {
            assertArrayEquals(wantA[i], drafter.feed(a, tokens[i]), "en, token " + i);
            assertArrayEquals(wantB[i], drafter.feed(b, tokens[i]), "zh, token " + i);
        }
        DraftSession again = drafter.start(en, manifest.prompt("en")); // same audio, a projection of its own
        for (int i = 0; i < tokens.length; i++) {
            assertArrayEquals(wantA[i], drafter.feed(again, tokens[i]), "en again, token " + i);
        }
        assertNotEquals(java.util.Arrays.toString(wantA[0]), java.util.Arrays.toString(wantB[0]), "the audio matters");
    }

    @Test
    void aSessionCountsItsCrossKeysAndValuesInItsBytes() {
        DraftSession s = drafter.start(en, manifest.prompt("en"));
        long withoutCross = s.cache().bytes() + 4L * en.states().length + en.context().length;
        // keys and values per layer, each heads × headDim per step: 4× the encoder states here
        long cross = 4L * 2 * manifest.drafter().layers() * manifest.drafter().heads() * manifest.drafter().headDim() * en.steps();
        org.junit.jupiter.api.Assertions.assertEquals(withoutCross + cross, s.heapBytes());
    }
}
