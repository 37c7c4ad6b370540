package sec.inference.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The SHA-256 of every file of a model bundle, as a roll-out names them (path relative to the bundle,
 * '/' separated, lower-case hex): computed by whoever publishes a bundle, checked by whoever loads
 * it, so a TaskManager never starts on a half-copied or altered bundle.
 */
public final class BundleChecksums {
    private BundleChecksums() {}

    /** Every regular file under {@code dir} and its checksum, in path order. */
    public static Map<String, String> of(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelException(dir + ": not a model bundle directory");
        }
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.put(dir.relativize(f).toString().replace('\\', '/'), sha256(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot be read", e);
        }
        return out;
    }

    /**
     * What does not match {@code expected}: a listed file that is missing or whose checksum differs,
     * one line each naming the file; empty when the bundle is as published. Files not listed are not looked at.
     */
    public static List<String> problems(Path dir, Map<String, String> expected) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(expected).entrySet()) {
            Path f = dir.resolve(e.getKey()).normalize();
            if (!f.startsWith(dir.normalize())) {
                out.add(e.getKey() + ": outside the bundle");
            } else if (!Files.isRegularFile(f)) {
                out.add(e.getKey() + ": missing");
            } else {
                String got = sha256(f);
                if (!got.equalsIgnoreCase(e.getValue())) {
                    out.add(e.getKey() + ": SHA-256 " + got + ", published " + e.getValue());
                }
            }
        }
        return out;
    }

    /** One SHA-256 (hex) of a whole listing ({@link #of}): bundles that differ in any file differ in it. */
    public static String digest(Map<String, String> files) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(files).forEach((f, sha) -> md.update((f + ' ' + sha + '\n').getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be read", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
