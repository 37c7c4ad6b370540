package sec.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sec.inference.CloudModels;
import sec.inference.TestModels;
import sec.inference.model.BundleVersions.Decision;
import sec.inference.model.BundleVersions.Kind;
import sec.inference.model.BundleVersions.Rollout;

/**
 * Roll-outs on one subtask with the real cloud loader: a published copy of the bundle loads off the
 * caller's thread and becomes stable; a broken one is rejected naming the file and changes nothing;
 * a canary splits calls by their hash; publishing the earlier version again rolls back; a version
 * nobody uses any more is closed.
 */
class BundleVersionsTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private BundleVersions<CloudModels> versions() {
        return new BundleVersions<>("v1", CloudModels.load(TestModels.bundle()), CloudModels::load, 60_000, now::get);
    }

    private static List<Decision> settle(BundleVersions<?> v) throws InterruptedException {
        List<Decision> out = new ArrayList<>();
        for (int i = 0; i < 600 && (out.isEmpty() || out.stream().allMatch(d -> d.kind() == Kind.LOADED)); i++) {
            out.addAll(v.refresh());
            Thread.sleep(50);
        }
        return out;
    }

    @Test
    void aPublishedBundleLoadsInTheBackgroundThenNewWorkStartsOnIt(@TempDir Path tmp) throws Exception {
        Path v2 = TestModels.copyBundle(tmp.resolve("v2"));
        try (BundleVersions<CloudModels> versions = versions()) {
            CloudModels v1 = versions.acquire("v1");
            versions.offer(new Rollout("v2", v2, BundleChecksums.of(v2), 100));
            assertEquals("v1", versions.versionFor("call-1"), "nothing changes until v2 is ready");
            assertEquals(List.of(new Decision("v2", Kind.LOADED, null), new Decision("v2", Kind.PROMOTED, null)), settle(versions));
            assertEquals("v2", versions.versionFor("call-1"));
            assertEquals(List.of("v1", "v2"), versions.held(), "v1 is still in use");

            now.addAndGet(120_000);
            versions.refresh();
            assertEquals(List.of("v1", "v2"), versions.held(), "in use: kept past the idle time");
            assertSame(v1, versions.acquire("v1"));
            versions.release("v1");
            versions.release("v1");
            now.addAndGet(59_000);
            versions.refresh();
            assertEquals(List.of("v1", "v2"), versions.held(), "released 59 s ago: kept");
            now.addAndGet(1_000);
            versions.refresh();
            assertEquals(List.of("v2"), versions.held(), "unused for the idle time: closed");
            assertNull(versions.acquire("v1"));
            assertNotNull(versions.acquire("v2"));
        }
    }

    @Test
    void aBrokenBundleIsRejectedNamingTheFileAndChangesNothing(@TempDir Path tmp) throws Exception {
        Path bundle = TestModels.copyBundle(tmp.resolve("v2"));
        Map<String, String> published = BundleChecksums.of(bundle);
        Files.writeString(bundle.resolve("tokenizer.json"), "{}");
        Map<String, String> withMissing = new HashMap<>(published);
        withMissing.put("verifier/extra.pt", published.get("model.json"));
        try (BundleVersions<CloudModels> versions = versions()) {
            versions.offer(new Rollout("v2", bundle, published, 100));
            List<Decision> got = settle(versions);
            assertEquals(1, got.size(), got.toString());
            assertEquals(Kind.REJECTED, got.get(0).kind());
            assertTrue(got.get(0).reason().startsWith("tokenizer.json: SHA-256 "), got.get(0).reason());

            versions.offer(new Rollout("v3", bundle, withMissing, 100));
            String reason = settle(versions).get(0).reason();
            assertTrue(reason.contains("verifier/extra.pt: missing") && reason.contains("tokenizer.json: SHA-256"), reason);

            // checksums as the broken files are: the loader's own checks (a tokenizer that is not one) reject it
            versions.offer(new Rollout("v4", bundle, BundleChecksums.of(bundle), 100));
            Decision loadFailed = settle(versions).get(0);
            assertEquals(Kind.REJECTED, loadFailed.kind(), loadFailed.toString());
            assertEquals("v1", versions.stable());
            assertEquals(List.of("v1"), versions.held());
            assertEquals("v1", versions.versionFor("any-call"));
        }
    }

    @Test
    void aCanarySplitsCallsByTheirHashAndPublishingTheOldVersionRollsBack(@TempDir Path tmp) throws Exception {
        Path v2 = TestModels.copyBundle(tmp.resolve("v2"));
        try (BundleVersions<CloudModels> versions = versions()) {
            versions.offer(new Rollout("v2", v2, BundleChecksums.of(v2), 50));
            List<Decision> loaded = new ArrayList<>();
            for (int i = 0; i < 600 && loaded.isEmpty(); i++) {
                loaded.addAll(versions.refresh());
                Thread.sleep(50);
            }
            assertEquals(List.of(new Decision("v2", Kind.LOADED, null)), loaded, "a canary is loaded, not promoted");
            assertEquals("v1", versions.stable());
            assertEquals("v2", versions.canary());
            int onV2 = 0;
            for (int i = 0; i < 1000; i++) {
                String call = "call-" + i;
                String v = versions.versionFor(call);
                assertEquals(CanaryShare.inCanary(call, 50) ? "v2" : "v1", v, call);
                assertEquals(v, versions.versionFor(call), "the same call, the same version");
                onV2 += v.equals("v2") ? 1 : 0;
            }
            assertTrue(onV2 > 430 && onV2 < 570, "about half of 1000 calls on the canary: " + onV2);

            versions.offer(new Rollout("v1", TestModels.bundle(), BundleChecksums.of(TestModels.bundle()), 100));
            assertEquals(List.of(new Decision("v1", Kind.ROLLED_BACK, null)), versions.refresh(), "v1 is held: at once");
            assertNull(versions.canary());
            for (int i = 0; i < 100; i++) {
                assertEquals("v1", versions.versionFor("call-" + i));
            }
            versions.offer(new Rollout("v2", v2, BundleChecksums.of(v2), 100));
            assertEquals(List.of(new Decision("v2", Kind.PROMOTED, null)), versions.refresh());
            assertFalse(versions.held().isEmpty());
        }
    }

    @Test
    void rollOutsApplyInTheOrderTheyWerePublishedEvenWhenALaterOneIsHeld(@TempDir Path tmp) throws Exception {
        Path v2 = TestModels.copyBundle(tmp.resolve("v2"));
        try (BundleVersions<CloudModels> versions = versions()) {
            versions.offer(new Rollout("v2", v2, BundleChecksums.of(v2), 100));
            // v1 is held, but published after v2: it must not apply before v2 has been decided
            versions.offer(new Rollout("v1", TestModels.bundle(), BundleChecksums.of(TestModels.bundle()), 100));
            assertEquals(List.of(), versions.refresh(), "v2 still loading: nothing applied yet");
            assertEquals("v1", versions.stable());
            List<Decision> got = new ArrayList<>();
            for (int i = 0; i < 600 && got.size() < 3; i++) {
                got.addAll(versions.refresh());
                Thread.sleep(50);
            }
            assertEquals(List.of(new Decision("v2", Kind.LOADED, null), new Decision("v2", Kind.PROMOTED, null),
                    new Decision("v1", Kind.ROLLED_BACK, null)), got);
            assertEquals("v1", versions.stable(), "the later roll-out wins");
        }
    }
}
