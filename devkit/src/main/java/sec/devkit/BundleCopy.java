package sec.devkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A directory tree copied, over what is there (a model bundle: a second bundle with the same weights, for roll-out tests and demos; a savepoint). */
public final class BundleCopy {
    private BundleCopy() {}

    public static Path of(Path bundle, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(bundle)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(bundle.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return to;
    }
}
