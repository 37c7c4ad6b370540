package sec.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The jar users submit (target/sec-job.jar, after package) holds the two jobs and what they run,
 * and none of the command line: no CLI, dashboard, demo tooling, embedded broker or charting.
 */
class JobJarIT {
    /** Prefixes of what belongs to the command line or the tests, never to a job. */
    private static final List<String> NOT_IN_A_JOB = List.of("sec/cli/", "sec/devkit/", "sec/dashboard/", "picocli/",
            "org/knowm/xchart/", "org/apache/kafka/common/test/", "kafka/server/", "org/apache/flink/runtime/webmonitor/");

    /** sec/jobs/ holds the two jobs and their settings, nothing else. */
    private static final java.util.regex.Pattern JOB_CLASS =
            java.util.regex.Pattern.compile("sec/jobs/(EdgeCaptionJob|CloudVerifyJob|JobSettings)(\\$.*)?\\.class");

    @Test
    void theJobJarHoldsTheJobsAndNoCommandLine() throws Exception {
        Path jar = Path.of(System.getProperty("sec.job.jar"));
        try (JarFile j = new JarFile(jar.toFile())) {
            List<String> names = j.stream().map(ZipEntry::getName).toList();
            for (String needed : List.of("sec/jobs/EdgeCaptionJob.class", "sec/jobs/CloudVerifyJob.class",
                    "sec/jobs/JobSettings.class", "sec/operators/SpeculativeDrafter.class",
                    "sec/inference/decode/SpeculativeDecoder.class", "sec/connectors/KafkaIO.class")) {
                assertTrue(names.contains(needed), jar + " lacks " + needed);
            }
            List<String> stray = names.stream().filter(n -> NOT_IN_A_JOB.stream().anyMatch(n::startsWith)
                    || n.startsWith("sec/jobs/") && n.endsWith(".class") && !JOB_CLASS.matcher(n).matches()).limit(5).toList();
            assertTrue(stray.isEmpty(), jar + " carries command-line or test classes: " + stray);
        }
    }
}
