package sec.inference.drafter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sec.inference.TestModels;
import sec.inference.model.ModelManifest;

/**
 * The drafter in a fresh JVM whose command line is as long as a Flink TaskManager's. ONNX Runtime
 * 1.29.0 killed such a process with SIGSEGV while creating its environment (telemetry), before any
 * Java error could be raised; this test fails on a runtime that does so.
 */
class DrafterProcessTest {
    /** Loads the drafter and captions nothing; exit code 0 when it got that far. */
    public static void main(String[] args) {
        try (Drafter d = Drafter.load(ModelManifest.load(Path.of(args[0])), 1)) {
            System.out.println("loaded");
        }
    }

    @Test
    void loadsInAProcessWithALongCommandLine(@TempDir Path tmp) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dsec.padding=" + "x".repeat(8000),
                DrafterProcessTest.class.getName(), TestModels.bundle().toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("out.txt").toFile());
        Map<String, String> env = pb.environment();
        env.remove("ORT_DISABLE_TELEMETRY");
        env.remove("CI"); // ORT skips telemetry in CI; the users' clusters are not CI
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "drafter process did not finish");
        String out = Files.readString(tmp.resolve("out.txt"));
        assertEquals(0, p.exitValue(), "exit " + p.exitValue() + " (139 = SIGSEGV): " + out);
        assertTrue(out.contains("loaded"), out);
    }
}
