package sec.cli.drill;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sec.cli.SecCli;

/**
 * {@code sec drill}: starts the multi-process cluster of deploy/local (high availability: two
 * JobManagers and ZooKeeper), runs both jobs under the bundled calls in a loop, injects seeded
 * faults of every kind, compares every caption with a clean run's, writes drill.json and drill.md
 * and stops the cluster. Exit code 0 only if nothing was lost, duplicated or different.
 */
@Command(name = "drill", mixinStandardHelpOptions = true,
        description = "Fault drill on a real local cluster: TaskManager and JobManager kills, broker and cloud-job restarts, a rescale.")
public final class DrillCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--faults", defaultValue = "20", description = "faults to inject (default: ${DEFAULT-VALUE})")
    int faults;

    @Option(names = "--seed", defaultValue = "1", description = "the plan's seed: kinds, order, gaps, victims (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--kinds", split = ",", paramLabel = "KIND", description = "fault kinds to draw from (default: all of"
            + " taskmanager-kill, broker-restart, jobmanager-kill, cloud-restart, rescale); each comes at least once if --faults allows")
    List<String> kinds;

    @Option(names = "--min-gap-s", defaultValue = "5", description = "least quiet time before a fault, after the last one's recovery (default: ${DEFAULT-VALUE})")
    double minGapS;

    @Option(names = "--max-gap-s", defaultValue = "30", description = "most quiet time before a fault (default: ${DEFAULT-VALUE})")
    double maxGapS;

    @Option(names = "--parallelism", defaultValue = "2", description = "of both jobs; a rescale takes the edge job to 1 and back (default: ${DEFAULT-VALUE})")
    int parallelism;

    @Option(names = "--verdict-deadline-ms", defaultValue = "180000", description = "the drafter's verdict deadline; longer than any"
            + " outage, so every caption can be compared with the clean run's (default: ${DEFAULT-VALUE})")
    long verdictDeadlineMs;

    @Option(names = "--recovery-limit-s", defaultValue = "240", description = "a fault with no new caption this long after it fails the drill (default: ${DEFAULT-VALUE})")
    int recoveryLimitS;

    @Option(names = "--out", paramLabel = "DIR", description = "where drill.json, drill.md and the cluster's files go (default: target/drill-SEED)")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter log = spec.commandLine().getOut();
        List<FaultKind> from = kinds == null ? Arrays.asList(FaultKind.values()) : kinds.stream().map(FaultKind::of).distinct().toList();
        FaultPlan plan = FaultPlan.of(seed, faults, from, (long) (minGapS * 1000), (long) (maxGapS * 1000));
        Path models = SecCli.modelsDir().toAbsolutePath();
        Path repo = models.getParent();
        Path dir = (out != null ? out : repo.resolve("target/drill-" + seed)).toAbsolutePath();
        Files.createDirectories(dir);
        Drill.Config config = new Drill.Config(plan, models.resolve("calls"), models.resolve("bundled"),
                repo.resolve("deploy/target/sec-job.jar"), parallelism, verdictDeadlineMs, Duration.ofSeconds(recoveryLimitS));
        log.printf("[drill] seed %d: %s%n", seed, plan.steps().stream().map(s -> s.kind().label()).toList());
        log.flush();
        DrillResult result;
        try (LocalCluster cluster = LocalCluster.start(repo, dir.resolve("cluster"))) {
            result = new Drill(cluster, config, log).run();
        }
        Files.writeString(dir.resolve("drill.json"), result.json());
        Files.writeString(dir.resolve("drill.md"), result.markdown());
        log.println(result.markdown());
        log.printf("written: %s, %s%n", dir.resolve("drill.json"), dir.resolve("drill.md"));
        return result.passed() ? 0 : 1;
    }
}
