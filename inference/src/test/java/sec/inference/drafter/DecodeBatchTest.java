package sec.inference.drafter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sec.inference.TestModels;
import sec.inference.decode.Logits;
import sec.inference.model.ModelManifest;

/**
 * Utterances of different lengths stepped together give, row by row, what each gives stepped
 * alone: the same greedy tokens, logits and caches (also for one that had rolled back, and one read
 * back from its binary form, whose cross keys and values the batch projects again), and each goes
 * on alone after the batch as if it had never been in one.
 */
class DecodeBatchTest {
    private static ModelManifest manifest;
    private static Drafter drafter;
    private static List<EncodedAudio> audio = new ArrayList<>();

    @BeforeAll
    static void load() {
        manifest = TestModels.manifest();
        drafter = Drafter.load(manifest, 1);
        // two recordings per language, of four different lengths (the padding is what is tested)
        for (String lang : new String[] {"en", "zh"}) {
            int taken = 0;
            for (TestModels.HeldOut h : TestModels.heldOut(lang, 12)) {
                EncodedAudio a = drafter.encode(TestModels.features(h.wav()));
                if (taken < 2 && audio.stream().noneMatch(b -> b.steps() == a.steps())) {
                    audio.add(a);
                    taken++;
                }
            }
        }
    }

    @AfterAll
    static void close() {
        drafter.close();
    }

    @Test
    void aBatchedStepIsEachSessionsOwnStep() throws IOException {
        List<DraftSession> alone = new ArrayList<>();
        List<DraftSession> together = new ArrayList<>();
        for (int i = 0; i < audio.size(); i++) {
            long[] prompt = manifest.prompt(i < 2 ? "en" : "zh");
            alone.add(drafter.start(audio.get(i), prompt));
            together.add(drafter.start(audio.get(i), prompt));
        }
        // uneven pasts: session 1 has two more tokens, session 3 rolled back one
        for (List<DraftSession> group : List.of(alone, together)) {
            drafter.feed(group.get(1), 20, 21);
            drafter.feed(group.get(3), 30);
            group.get(3).truncate(group.get(3).length() - 1);
            drafter.feed(group.get(3), 31);
        }
        together.set(2, restored(together.get(2)));
        assertNull(together.get(2).cross(), "read back without its cross keys and values");
        assertEquals(4, audio.stream().map(EncodedAudio::steps).distinct().count(), "four audio lengths");
        float[][] batched = together.stream().map(DraftSession::lastLogits).toArray(float[][]::new);
        try (DecodeBatch batch = new DecodeBatch(drafter, together)) {
            for (int step = 0; step < 12; step++) {
                long[] next = new long[alone.size()];
                for (int i = 0; i < alone.size(); i++) {
                    next[i] = Logits.argmax(alone.get(i).lastLogits());
                    assertEquals(next[i], Logits.argmax(batched[i]), "step " + step + ", session " + i);
                }
                batched = batch.step(next);
                for (int i = 0; i < alone.size(); i++) {
                    float[] single = drafter.feed(alone.get(i), next[i]);
                    for (int v = 0; v < single.length; v++) {
                        assertEquals(single[v], batched[i][v], 1e-3, "step " + step + ", session " + i + ", logit " + v);
                    }
                }
            }
        } // written back: each session goes on alone
        for (int i = 0; i < alone.size(); i++) {
            assertEquals(alone.get(i).length(), together.get(i).length());
            float[] a = drafter.feed(alone.get(i), 40);
            float[] b = drafter.feed(together.get(i), 40);
            for (int v = 0; v < a.length; v++) {
                assertEquals(a[v], b[v], 1e-3, "after the batch, session " + i + ", logit " + v);
            }
        }
        for (int i = 0; i < alone.size(); i++) {
            KvCache a = alone.get(i).cache();
            KvCache b = together.get(i).cache();
            assertEquals(a.length(), b.length());
            for (int l = 0; l < a.layers(); l++) {
                float[] ka = a.keys(l);
                float[] kb = b.keys(l);
                assertEquals(ka.length, kb.length);
                for (int k = 0; k < ka.length; k++) {
                    assertEquals(ka[k], kb[k], 1e-3, "session " + i + " key " + l + "/" + k);
                }
            }
            long[] fedA = new long[alone.get(i).length()];
            long[] fedB = new long[fedA.length];
            for (int k = 0; k < fedA.length; k++) {
                fedA[k] = alone.get(i).fed(k);
                fedB[k] = together.get(i).fed(k);
            }
            assertArrayEquals(fedA, fedB);
        }
    }

    /** The session as a checkpoint restores it (KV cache included). */
    private static DraftSession restored(DraftSession s) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        s.writeTo(new DataOutputStream(b), true);
        return DraftSession.readFrom(new DataInputStream(new ByteArrayInputStream(b.toByteArray())));
    }
}
