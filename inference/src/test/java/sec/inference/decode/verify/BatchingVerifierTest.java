package sec.inference.decode.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sec.inference.CloudModels;
import sec.inference.TestModels;
import sec.inference.TestPair;
import sec.inference.decode.Decision;
import sec.inference.decode.SpeculationConfig;
import sec.inference.model.ModelManifest;
import sec.inference.verifier.Verifier;

class BatchingVerifierTest {
    private static CloudModels cloud;
    private static ModelManifest manifest;
    private static Verifier verifier;
    private static VerificationService service;
    private static List<VerificationService.Task> tasks;

    @BeforeAll
    static void load() {
        TestPair pair = TestPair.shared();
        manifest = pair.manifest();
        cloud = pair.cloud();
        verifier = cloud.verifier();
        service = new VerificationService(verifier, manifest, SpeculationConfig.defaults());
        tasks = new ArrayList<>();
        JsonNode fixtures = TestModels.json(TestModels.dir().resolve("parity/parity.json")).get("fixtures");
        for (int rep = 0; rep < 6; rep++) {
            for (JsonNode f : fixtures) {
                JsonNode ctx = f.get("context");
                byte[] bytes = new byte[ctx.size() * manifest.contextDim()];
                for (int t = 0; t < ctx.size(); t++) {
                    for (int c = 0; c < manifest.contextDim(); c++) {
                        bytes[t * manifest.contextDim() + c] = (byte) ctx.get(t).get(c).asInt();
                    }
                }
                JsonNode draft = f.get("drafter").get("tokens");
                int cut = 1 + rep % Math.max(1, draft.size() - 4);
                long[] prefix = new long[cut];
                long[] block = new long[Math.min(4, draft.size() - cut)];
                for (int i = 0; i < cut; i++) {
                    prefix[i] = draft.get(i).asLong();
                }
                for (int i = 0; i < block.length; i++) {
                    block[i] = draft.get(cut + i).asLong();
                }
                tasks.add(new VerificationService.Task(bytes, ctx.size(), f.get("lang").asText(), prefix, block));
            }
        }
    }

    @Test
    void batchesConcurrentRequestsAndAnswersEachAsAlone() throws Exception {
        try (BatchingVerifier b = new BatchingVerifier(service, 16, 50, 256)) {
            List<CompletableFuture<Decision>> futures = new ArrayList<>();
            for (VerificationService.Task t : tasks) {
                futures.add(b.submit(t));
            }
            assertEquals(tasks.size(), b.queueDepth(), "everything submitted is held (the first batch waits 50 ms)");
            for (int i = 0; i < tasks.size(); i++) {
                Decision alone = service.verify(List.of(tasks.get(i))).get(0);
                assertEquals(alone, futures.get(i).get(30, TimeUnit.SECONDS), "request " + i);
            }
            assertEquals(tasks.size(), b.requests());
            for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); b.queueDepth() > 0 && System.nanoTime() < until; ) {
                Thread.sleep(10); // answered futures leave the count just after their callers see them
            }
            assertEquals(0, b.queueDepth(), "nothing held once every request is answered");
            assertEquals(tasks.size(), b.peakQueueDepth(), "the peak since the last read: all of them at once");
            assertEquals(0, b.peakQueueDepth(), "read again: the peak starts over from what is held now");
            assertTrue(b.batches() < tasks.size(), b.batches() + " forward passes for " + tasks.size() + " requests");
        }
    }

    @Test
    void aFullQueueFailsAtOnceAndClosingFailsWhatWaits() throws Exception {
        BatchingVerifier b = new BatchingVerifier(service, 1, 0, 1);
        List<CompletableFuture<Decision>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(b.submit(tasks.get(i % tasks.size())));
        }
        assertTrue(futures.stream().anyMatch(CompletableFuture::isCompletedExceptionally), "queue of one overflows");
        b.close();
        CompletableFuture<Decision> late = b.submit(tasks.get(0));
        ExecutionException e = assertThrows(ExecutionException.class, () -> late.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("closed"));
    }
}
