package sec.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import sec.inference.model.ModelManifest;

/** The repository's bundled models, held-out sets and parity fixtures, for tests. */
public final class TestModels {
    private TestModels() {}

    /** A held-out recording and its reference captions. */
    public record HeldOut(Path wav, String lang, List<String> references) {}

    /**
     * The models folder: system property {@code sec.models.dir} (set by the parent pom), else the
     * first folder walking up from the working directory that contains models/recipe.
     */
    public static Path dir() {
        String prop = System.getProperty("sec.models.dir");
        if (prop != null && !prop.isBlank()) {
            return Paths.get(prop);
        }
        for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("models").resolve("recipe"))) {
                return d.resolve("models");
            }
        }
        return Paths.get("models").toAbsolutePath();
    }

    public static Path bundle() {
        return dir().resolve("bundled");
    }

    /** A copy of the bundle under {@code to}: another bundle with the same files. */
    public static Path copyBundle(Path to) throws java.io.IOException {
        Path from = bundle();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (java.nio.file.Files.isDirectory(f)) {
                    java.nio.file.Files.createDirectories(target);
                } else {
                    java.nio.file.Files.copy(f, target);
                }
            }
        }
        return to;
    }

    public static ModelManifest manifest() {
        return ModelManifest.load(bundle());
    }

    public static JsonNode json(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Features of the first held-out recording of a language, as the engine computes them. */
    public static AudioFeatures firstHeldOut(String lang) {
        return features(heldOut(lang, 1).get(0).wav());
    }

    /** Features of a WAV file, as the engine computes them. */
    public static AudioFeatures features(Path wav) {
        try {
            return FeatureExtractor.of(manifest()).features(sec.inference.audio.WavReader.read(wav), 0,
                    wav.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first {@code limit} held-out recordings of a language. */
    public static List<HeldOut> heldOut(String lang, int limit) {
        Path folder = dir().resolve("eval").resolve(lang);
        List<HeldOut> out = new ArrayList<>();
        try {
            ObjectMapper m = new ObjectMapper();
            for (String line : Files.readAllLines(folder.resolve("references.jsonl"))) {
                if (out.size() == limit) {
                    break;
                }
                JsonNode n = m.readTree(line);
                List<String> refs = new ArrayList<>();
                n.get("references").forEach(r -> refs.add(r.asText()));
                out.add(new HeldOut(folder.resolve(n.get("file").asText()), lang, refs));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
