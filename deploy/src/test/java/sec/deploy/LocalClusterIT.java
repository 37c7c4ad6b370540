package sec.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sec.cli.cluster.FlinkRest;
import sec.cli.drill.Drill;
import sec.cli.drill.DrillResult;
import sec.cli.drill.FaultKind;
import sec.cli.drill.FaultPlan;
import sec.cli.drill.LocalCluster;

/**
 * The pipeline on a real cluster, every part its own process, started by deploy/local's scripts:
 * a Kafka broker, ZooKeeper, two JobManagers (leader and standby) and two TaskManagers; both jobs
 * submitted with submit.sh; the 8 bundled calls streamed in real time round after round. The short
 * version of {@code sec drill}: a TaskManager SIGKILLed (a new one started), the broker restarted,
 * the leading JobManager SIGKILLed (the standby takes over both jobs from their checkpoints), the
 * cloud job stopped with a savepoint and resubmitted while the edge drafts, in a seeded order. A
 * read_committed reader must see exactly one final caption per utterance, each equal to a clean
 * run's (the inference core's), none lost, none duplicated. Writes target/cluster-drill.json and .md.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class LocalClusterIT {
    private static final Path DEPLOY = Path.of(System.getProperty("sec.deploy.dir"));
    private static final Path REPO = DEPLOY.getParent();
    private static final Path MODELS = Path.of(System.getProperty("sec.models.dir"));
    private static final List<FaultKind> KINDS = List.of(FaultKind.TASKMANAGER_KILL, FaultKind.BROKER_RESTART,
            FaultKind.JOBMANAGER_KILL, FaultKind.CLOUD_RESTART);
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalCluster.start(REPO, DEPLOY.resolve("target/cluster-drill")); // its logs stay with the build's reports
    }

    @AfterAll
    static void stopCluster() throws Exception {
        List<Long> started = cluster.pids();
        cluster.close();
        for (long pid : started) {
            assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "stop.sh ended process " + pid);
        }
        System.out.println("cluster logs: " + cluster.dir().resolve("log"));
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void fourFaultsOfFourKindsLoseDuplicateAndChangeNoCaption() throws Exception {
        // rescale is the fifth kind: RestoreITCase and CloudRestartITCase rescale through savepoints; sec drill does it here
        FaultPlan plan = FaultPlan.of(20261202L, KINDS.size(), KINDS, 5_000, 15_000);
        Drill.Config config = new Drill.Config(plan, MODELS.resolve("calls"), MODELS.resolve("bundled"),
                Path.of(System.getProperty("sec.job.jar")), 2, 180_000, Duration.ofMinutes(4));
        DrillResult r = new Drill(cluster, config, new PrintWriter(System.out, true)).run();
        Files.writeString(DEPLOY.resolve("target/cluster-drill.json"), r.json());
        Files.writeString(DEPLOY.resolve("target/cluster-drill.md"), r.markdown());
        System.out.println("cluster drill:\n" + r.markdown());

        assertEquals(Set.copyOf(KINDS), r.faults().stream().map(DrillResult.Fault::kind).collect(Collectors.toSet()), "every kind injected");
        assertTrue(r.rounds() >= 1 && r.utterances() >= 74 * r.rounds(), "every round's utterances expected: " + r.utterances());
        assertEquals(0, r.lost(), "captions lost");
        assertEquals(0, r.duplicated(), "captions duplicated");
        assertEquals(0, r.unexpected(), "captions of utterances that are not there");
        assertEquals(0, r.edgeOnlyTimeouts(), "the verdict deadline outlasts every fault: no block committed unverified");
        assertEquals(0, r.differing(), "captions differing from the clean run: " + r.differingExamples());
        assertEquals(r.utterances(), r.captions(), "one caption per utterance");
        for (DrillResult.Fault f : r.faults()) {
            assertTrue(f.recoveryMs() >= 0 && f.verifiedRecoveryMs() >= 0, "a new caption, and one verified by the cloud, after " + f);
        }
        DrillResult.Fault tmKill = r.faults().stream().filter(f -> f.kind() == FaultKind.TASKMANAGER_KILL).findFirst().orElseThrow();
        assertTrue(tmKill.restarts() >= 1, "the TaskManager kill made a job fail over: " + tmKill);
        assertTrue(r.passed());
    }

    /**
     * The same jar through Flink's own CLI (what bin/flink run does), its main class from the manifest,
     * on the cluster the drill leaves: its jobs are cancelled first (they hold all four slots), so the
     * new job's tasks can start, load the bundle and run.
     */
    @Test
    @org.junit.jupiter.api.Order(2)
    void flinkRunAcceptsTheJobJar() throws Exception {
        FlinkRest flink = cluster.rest();
        for (JsonNode job : flink.get("jobs").path("jobs")) {
            if (job.path("status").asText().equals("RUNNING")) {
                flink.cancel(job.path("id").asText());
            }
        }
        Path settings = cluster.dir().resolve("sec.properties"); // written by submit.sh
        ProcessBuilder pb = cluster.process("deploy/local/flink.sh", "run", "-d", System.getProperty("sec.job.jar"), "--config",
                settings.toString(), "--kafka.group-id-prefix", "flink-run", "--kafka.transactional-id-prefix", "flink-run");
        Process run = pb.redirectErrorStream(true).start(); // the caller reads the job id
        String out = new String(run.getInputStream().readAllBytes());
        assertTrue(run.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, run.exitValue(), out);
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("JobID ([0-9a-f]{32})").matcher(out);
        assertTrue(id.find(), out);
        assertEquals("sec-edge", flink.get("jobs/" + id.group(1)).path("name").asText(), "the manifest's main class ran");
        assertTrue(flink.awaitTasksRunning(id.group(1), Duration.ofMinutes(2)),
                "every task of the job runs (its operators opened the bundle): " + flink.get("jobs/" + id.group(1)));
        flink.cancel(id.group(1));
    }
}
