package sec.inference.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sec.inference.CloudModels;
import sec.inference.EdgeModels;
import sec.inference.TestModels;
import sec.inference.TestPair;
import sec.inference.decode.verify.VerificationService;
import sec.inference.drafter.Drafter;
import sec.inference.drafter.EncodedAudio;
import sec.inference.model.ModelManifest;
import sec.inference.verifier.Verifier;

/**
 * Several calls' blocks drafted with shared decoder runs make the captions drafting each alone makes:
 * the same tokens, the same blocks sent, the same verdicts, rollbacks included (pipelined drafting,
 * real verifier verdicts).
 */
class BatchedDraftingTest {
    private static EdgeModels edge;
    private static CloudModels cloudModels;
    private static ModelManifest manifest;
    private static Drafter drafter;
    private static Verifier verifier;
    private static VerificationService cloud;
    private static List<EncodedAudio> audio = new ArrayList<>();
    private static List<String> languages = new ArrayList<>();

    /** Uncertain blocks to the cloud, two drafted ahead of a waiting one (so rejections roll back). */
    private static final SpeculationConfig CONFIG = SpeculationConfig.builder().lookahead(2).build();

    @BeforeAll
    static void load() {
        TestPair pair = TestPair.shared();
        manifest = pair.manifest();
        edge = pair.edge();
        drafter = edge.drafter();
        cloudModels = pair.cloud();
        verifier = cloudModels.verifier();
        cloud = new VerificationService(verifier, manifest, CONFIG);
        for (String lang : new String[] {"en", "zh"}) {
            for (TestModels.HeldOut h : TestModels.heldOut(lang, 12)) {
                audio.add(drafter.encode(TestModels.features(h.wav())));
                languages.add(lang);
            }
        }
    }

    /** One call: its decoder, its utterance, the verdicts of its sent blocks in order. */
    private record Call(SpeculativeDecoder decoder, int utterance, ArrayDeque<Object[]> verdicts) {}

    private static List<Call> calls() {
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < audio.size(); i++) {
            long[] prompt = manifest.prompt(languages.get(i));
            calls.add(new Call(new SpeculativeDecoder(drafter, drafter.start(audio.get(i), prompt), prompt, manifest.eos(),
                    CONFIG, new BlockController(CONFIG), CONFIG.acceptancePolicy()), i, new ArrayDeque<>()));
        }
        return calls;
    }

    /** A block just sent: its verdict from the real verifier, applied when the call can draft no more. */
    private static void sent(Call c, DraftBlock block) {
        if (block == null) {
            return;
        }
        EncodedAudio a = audio.get(c.utterance());
        Decision d = cloud.verify(List.of(new VerificationService.Task(a.context(), a.steps(), languages.get(c.utterance()),
                c.decoder().prefixOfLastSent(), block.tokens()))).get(0);
        c.verdicts().add(new Object[] {c.decoder().state().blockId(), c.decoder().state().epoch(), d});
    }

    /** Every call, each step: draft if it can, else its oldest verdict arrives. Together or each alone. */
    private static List<Call> run(boolean together) {
        List<Call> calls = calls();
        int rounds = 0;
        while (calls.stream().anyMatch(c -> !c.decoder().finished())) {
            assertTrue(++rounds < 10_000, "decoding ends");
            List<Call> drafting = new ArrayList<>();
            for (Call c : calls) {
                if (c.decoder().finished()) {
                    continue;
                }
                if (c.decoder().canDraft()) {
                    drafting.add(c);
                } else {
                    Object[] v = c.verdicts().removeFirst();
                    c.decoder().applyVerdict((int) v[0], (int) v[1], (Decision) v[2]);
                }
            }
            if (together && !drafting.isEmpty()) {
                List<DraftBlock> blocks = BatchedDrafting.draftBlocks(drafter,
                        drafting.stream().map(Call::decoder).toList());
                for (int i = 0; i < drafting.size(); i++) {
                    sent(drafting.get(i), blocks.get(i));
                }
            } else {
                for (Call c : drafting) {
                    sent(c, c.decoder().draftBlock());
                }
            }
        }
        return calls;
    }

    @Test
    void captionsDraftedTogetherAreTheCaptionsDraftedAlone() {
        List<Call> alone = run(false);
        List<Call> together = run(true);
        int sent = 0;
        int rolledBack = 0;
        for (int i = 0; i < alone.size(); i++) {
            CaptionTrace a = alone.get(i).decoder().trace();
            CaptionTrace b = together.get(i).decoder().trace();
            assertArrayEquals(a.tokens(), b.tokens(), "utterance " + i);
            assertArrayEquals(a.provenance(), b.provenance(), "utterance " + i);
            assertEquals(a.drafted(), b.drafted(), "utterance " + i);
            assertEquals(a.sent(), b.sent(), "utterance " + i);
            sent += a.sent();
            rolledBack += a.drafted() - a.length();
        }
        assertTrue(sent > 0, "blocks went to the cloud");
        assertTrue(rolledBack > 0, "some drafted tokens were thrown away (a rejection rolled the cache back)");
    }

    @Test
    void draftingAllAsFarAsTheyMayInBatchesOfThreeIsDraftingEachAlone() throws Exception {
        List<Call> alone = calls();
        List<Call> together = calls();
        for (Call c : alone) {
            while (c.decoder().canDraft()) {
                c.decoder().draftBlock();
            }
        }
        List<Integer> told = new ArrayList<>();
        BatchedDrafting.draftAll(drafter, together.stream().map(Call::decoder).toList(), 3, (i, block) -> told.add(i));
        assertTrue(told.size() >= together.size(), "every call drafted at least one block: " + told);
        for (int i = 0; i < alone.size(); i++) {
            SpeculativeDecoder a = alone.get(i).decoder();
            SpeculativeDecoder b = together.get(i).decoder();
            assertTrue(!b.canDraft(), "call " + i + " drafted as far as it may");
            assertEquals(a.trace().drafted(), b.trace().drafted(), "call " + i);
            assertEquals(a.trace().sent(), b.trace().sent(), "call " + i);
            assertEquals(a.finished(), b.finished(), "call " + i);
            if (!a.finished()) { // waiting for a verdict: the same block
                assertArrayEquals(a.prefixOfLastSent(), b.prefixOfLastSent(), "call " + i);
            }
        }
    }

    @Test
    void twoDecodersOfOneSessionAreRefused() {
        long[] prompt = manifest.prompt("en");
        var session = drafter.start(audio.get(0), prompt);
        SpeculativeDecoder a = new SpeculativeDecoder(drafter, session, prompt, manifest.eos(), CONFIG,
                new BlockController(CONFIG), CONFIG.acceptancePolicy());
        SpeculativeDecoder b = new SpeculativeDecoder(drafter, session, prompt, manifest.eos(), CONFIG,
                new BlockController(CONFIG), CONFIG.acceptancePolicy());
        assertThrows(IllegalArgumentException.class, () -> BatchedDrafting.draftBlocks(drafter, List.of(a, b)));
    }
}
