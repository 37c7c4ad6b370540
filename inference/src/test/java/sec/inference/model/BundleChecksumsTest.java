package sec.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sec.inference.TestModels;

/** A bundle as published checks clean; a changed, a missing or an escaping file is named. */
class BundleChecksumsTest {
    @Test
    void aCopiedBundleMatchesAndEveryChangeIsNamed(@TempDir Path tmp) throws Exception {
        Path bundle = TestModels.bundle();
        Map<String, String> published = BundleChecksums.of(bundle);
        assertTrue(published.containsKey("model.json") && published.containsKey("tokenizer.json"), published.keySet().toString());
        assertTrue(published.keySet().stream().anyMatch(f -> f.startsWith("verifier/")), "files below the bundle, '/' separated");
        assertTrue(published.values().stream().allMatch(h -> h.matches("[0-9a-f]{64}")));

        Path copy = TestModels.copyBundle(tmp.resolve("copy"));
        assertEquals(List.of(), BundleChecksums.problems(copy, published), "a copy is the bundle as published");
        assertEquals(published, BundleChecksums.of(copy));
        assertEquals(BundleChecksums.digest(published), BundleChecksums.digest(BundleChecksums.of(copy)));

        Files.writeString(copy.resolve("tokenizer.json"), "{}");
        assertNotEquals(BundleChecksums.digest(published), BundleChecksums.digest(BundleChecksums.of(copy)),
                "one file changed: another digest");
        Files.delete(copy.resolve("model.json"));
        List<String> problems = BundleChecksums.problems(copy, published);
        assertEquals(2, problems.size(), problems.toString());
        assertEquals("model.json: missing", problems.get(0));
        assertTrue(problems.get(1).startsWith("tokenizer.json: SHA-256 ") && problems.get(1).contains(published.get("tokenizer.json")),
                problems.get(1));
        assertEquals(List.of("../x: outside the bundle"), BundleChecksums.problems(copy, Map.of("../x", published.get("model.json"))));
    }
}
