package sec.inference.drafter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sec.inference.TestModels;
import sec.inference.model.ModelManifest;

/** Rolling the KV cache back gives the logits of a fresh run over the same prefix. */
class DrafterRollbackTest {
    private static ModelManifest manifest;
    private static Drafter drafter;
    private static EncodedAudio audio;

    @BeforeAll
    static void load() {
        manifest = TestModels.manifest();
        drafter = Drafter.load(manifest, 1);
        audio = drafter.encode(TestModels.firstHeldOut("en"));
    }

    @AfterAll
    static void close() {
        drafter.close();
    }

    @Test
    void truncatedCacheEqualsRecomputedPrefix() {
        long[] prompt = manifest.prompt("en");
        DraftSession s = drafter.start(audio, prompt);
        for (long t : new long[] {10, 20, 30, 40}) {
            drafter.feed(s, t);
        }
        assertEquals(prompt.length + 4, s.length());
        s.truncate(prompt.length + 1);
        assertEquals(prompt.length + 1, s.cache().length());
        float[] rolledBack = drafter.feed(s, 50);

        DraftSession fresh = drafter.start(audio, prompt);
        drafter.feed(fresh, 10);
        float[] recomputed = drafter.feed(fresh, 50);
        assertLogitsClose(recomputed, rolledBack);
        for (int l = 0; l < s.cache().layers(); l++) {
            float[] a = s.cache().keys(l);
            float[] b = fresh.cache().keys(l);
            assertEquals(b.length, a.length);
            for (int i = 0; i < a.length; i++) {
                assertEquals(b[i], a[i], 1e-4, "key " + l + "/" + i);
            }
        }
    }

    @Test
    void syncFeedsSeveralTokensAtOnceLikeOneByOne() {
        long[] prompt = manifest.prompt("en");
        long[] committed = {prompt[0], prompt[1], 11, 12, 13};
        DraftSession a = drafter.start(audio, prompt);
        drafter.feed(a, 11);
        drafter.feed(a, 99); // a wrong draft, to be rolled back
        float[] synced = drafter.sync(a, committed, committed.length);

        DraftSession b = drafter.start(audio, prompt);
        drafter.feed(b, 11);
        drafter.feed(b, 12);
        float[] stepwise = drafter.feed(b, 13);
        assertEquals(committed.length, a.length());
        assertLogitsClose(stepwise, synced);
    }

    private static void assertLogitsClose(float[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-4, "logit " + i);
        }
    }
}
