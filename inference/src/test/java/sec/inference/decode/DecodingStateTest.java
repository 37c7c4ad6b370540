package sec.inference.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sec.inference.CloudModels;
import sec.inference.EdgeModels;
import sec.inference.TestModels;
import sec.inference.TestPair;
import sec.inference.drafter.Drafter;
import sec.inference.drafter.EncodedAudio;
import sec.inference.model.ModelManifest;
import sec.inference.verifier.Verifier;

/**
 * The decoding state's binary form (what a streaming operator checkpoints): a caption decoded with
 * the state written and read back at every verification is the caption decoded without, with the
 * KV cache in the state and without it (then the drafter re-prefills the committed tokens).
 */
class DecodingStateTest {
    private static EdgeModels edge;
    private static CloudModels cloud;
    private static ModelManifest manifest;
    private static Drafter drafter;
    private static Verifier verifier;

    @BeforeAll
    static void load() {
        TestPair pair = TestPair.shared();
        manifest = pair.manifest();
        edge = pair.edge();
        drafter = edge.drafter();
        cloud = pair.cloud();
        verifier = cloud.verifier();
    }

    private static final SpeculationConfig CONFIG = SpeculationConfig.defaults();

    /** Decodes one utterance; when {@code roundTrip}, the state goes through its binary form at every verdict. */
    private static long[] decode(EncodedAudio audio, String lang, Boolean roundTripWithCache) throws IOException {
        long[] prompt = manifest.prompt(lang);
        DecodingState state = new DecodingState(drafter.start(audio, prompt), prompt, new BlockController(CONFIG));
        while (true) {
            SpeculativeDecoder d = new SpeculativeDecoder(drafter, CONFIG, CONFIG.acceptancePolicy(), manifest.eos(), state);
            if (d.finished()) {
                return d.trace().tokens();
            }
            if (d.draftBlock() == null) {
                continue;
            }
            if (roundTripWithCache != null) {
                state = roundTrip(state, roundTripWithCache);
                d = new SpeculativeDecoder(drafter, CONFIG, CONFIG.acceptancePolicy(), manifest.eos(), state);
            }
            float[][] rows = verifier.score(List.of(d.verifyInput(audio.context(), audio.steps()))).get(0);
            d.applyVerdict(d.decide(rows));
        }
    }

    static DecodingState roundTrip(DecodingState state, boolean withCache) throws IOException {
        return DecodingState.readFrom(new DataInputStream(new ByteArrayInputStream(bytes(state, withCache))));
    }

    static byte[] bytes(DecodingState state, boolean withCache) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        state.writeTo(new DataOutputStream(b), withCache);
        return b.toByteArray();
    }

    @ParameterizedTest(name = "KV cache in the state: {0}")
    @ValueSource(booleans = {true, false})
    void aRestoredStateDecodesTheSameCaption(boolean withCache) throws IOException {
        int rounds = 0;
        for (String lang : new String[] {"en", "zh"}) {
            for (TestModels.HeldOut h : TestModels.heldOut(lang, 6)) {
                EncodedAudio audio = drafter.encode(TestModels.features(h.wav()));
                long[] plain = decode(audio, lang, null);
                assertArrayEquals(plain, decode(audio, lang, withCache), h.wav().getFileName().toString());
                rounds++;
            }
        }
        assertEquals(12, rounds);
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() throws IOException {
        EncodedAudio audio = drafter.encode(TestModels.firstHeldOut("en"));
        long[] prompt = manifest.prompt("en");
        SpeculationConfig everyBlock = SpeculationConfig.builder().tau(-1).build();
        SpeculativeDecoder d = new SpeculativeDecoder(drafter, drafter.start(audio, prompt), prompt, manifest.eos(),
                everyBlock, new BlockController(everyBlock), everyBlock.acceptancePolicy());
        d.draftBlock();
        d.applyVerdict(new Decision(1, 7, Decision.NONE));
        d.draftBlock();
        DecodingState s = d.state();
        DecodingState r = roundTrip(s, true);
        assertArrayEquals(s.trace().tokens(), r.trace().tokens());
        assertArrayEquals(s.trace().provenance(), r.trace().provenance());
        assertArrayEquals(s.trace().entropies(), r.trace().entropies());
        assertEquals(s.trace().sent(), r.trace().sent());
        assertEquals(s.trace().corrected(), r.trace().corrected());
        assertEquals(s.controller().gamma(), r.controller().gamma());
        assertEquals(s.blockId(), r.blockId());
        assertEquals(s.epoch(), r.epoch());
        assertArrayEquals(s.pending().tokens(), r.pending().tokens());
        assertEquals(s.session().length(), r.session().length());
        assertArrayEquals(s.session().cache().keys(1), r.session().cache().keys(1));
        assertArrayEquals(s.session().lastLogits(), r.session().lastLogits());
        assertEquals(0, roundTrip(s, false).session().length(), "no cache: rebuilt on the next draft");
    }

    @Test
    void theCacheIsMostOfTheStateAndReportedPerUtterance() throws IOException {
        EncodedAudio audio = drafter.encode(TestModels.firstHeldOut("en"));
        long[] prompt = manifest.prompt("en");
        DecodingState s = new DecodingState(drafter.start(audio, prompt), prompt, new BlockController(CONFIG));
        for (int i = 0; i < 30; i++) {
            drafter.feed(s.session(), 5);
        }
        int with = bytes(s, true).length;
        int without = bytes(s, false).length;
        System.out.printf("decoding state of one utterance (%d encoder steps, %d tokens): %d bytes with the KV cache,"
                + " %d without (KV cache %d bytes)%n", audio.steps(), s.session().length(), with, without,
                s.session().cache().bytes());
        assertTrue(with - without >= s.session().cache().bytes(), "the cache is written in full");
        assertTrue(without < with / 2);
    }

    @Test
    void anUnknownFormatIsAClearError() {
        IOException e = assertThrows(IOException.class,
                () -> DecodingState.readFrom(new DataInputStream(new ByteArrayInputStream(new byte[] {9, 0, 0, 0}))));
        assertTrue(e.getMessage().contains("format 9"), e.getMessage());
    }
}
