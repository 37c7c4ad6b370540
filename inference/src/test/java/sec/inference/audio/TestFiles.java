package sec.inference.audio;

import java.net.URISyntaxException;
import java.net.URL;
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

    /** The repository's models folder (see {@link sec.inference.TestModels#dir()}). */
    static Path modelsDir() {
        return sec.inference.TestModels.dir();
    }
}
