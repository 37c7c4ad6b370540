package sec.inference.audio;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates test resources and the repository's models folder. */
final class TestFiles {

    private TestFiles() {
    }

    /** A file under src/test/resources/audio. */
    static Path resource(String name) {
        URL url = TestFiles.class.getResource("/audio/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test resource audio/" + name);
        }
        try {
            return Paths.get(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The models folder: system property {@code sec.models.dir} (set by the parent pom), else the
     * first folder walking up from the working directory that contains models/recipe.
     */
    static Path modelsDir() {
        String prop = System.getProperty("sec.models.dir");
        if (prop != null && !prop.isBlank()) {
            return Paths.get(prop);
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("models").resolve("recipe"))) {
                return dir.resolve("models");
            }
        }
        return Paths.get("models").toAbsolutePath();
    }
}
