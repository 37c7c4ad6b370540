package sec.cli.cluster;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sec.jobs.CloudVerifyJob;
import sec.jobs.EdgeCaptionJob;
import sec.jobs.JobSettings;
import sec.cli.SecCli;

/**
 * {@code sec edge} and {@code sec cloud}: submit a job to a running Flink cluster through its REST
 * API (upload the job jar, run the entry class). The settings are checked here first, then sent as
 * {@code --key value} program arguments, so the cluster needs no copy of the settings file.
 */
public abstract class SubmitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--rest", required = true, paramLabel = "URL", description = "the cluster's REST address, e.g. http://127.0.0.1:8081")
    String rest;

    @Option(names = "--jar", paramLabel = "FILE", description = "the job jar (default: deploy/target/sec-job.jar, built by mvn package)")
    Path jar;

    @Option(names = "--from-savepoint", paramLabel = "PATH", description = "restore the job's state from this savepoint"
            + " (what flink run -s does: after a stop-with-savepoint, an upgrade or a rescale)")
    String savepoint;

    @Option(names = "--wait-s", defaultValue = "120", description = "wait up to this long for every task of the job to run (default: ${DEFAULT-VALUE})")
    int waitS;

    abstract Class<?> entryClass();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> settings = cluster.settings();
        JobSettings.of(settings); // a bad or missing setting stops here, before anything is uploaded
        Path jarFile = jar != null ? jar : SecCli.modelsDir().toAbsolutePath().getParent().resolve("deploy/target/sec-job.jar");
        if (!Files.isRegularFile(jarFile)) {
            throw new IllegalArgumentException("no job jar at " + jarFile + " (build it with mvn -B -DskipTests package)");
        }
        FlinkRest flink = new FlinkRest(rest);
        String jarId = flink.uploadJar(jarFile);
        String job = flink.run(jarId, entryClass().getName(), JobSettings.asArgs(settings), savepoint);
        out.printf("%s submitted to %s: job %s%n", entryClass().getSimpleName(), rest, job);
        out.flush();
        // every task, not only the job: its operators have then loaded and warmed up their models
        boolean running = flink.awaitTasksRunning(job, Duration.ofSeconds(waitS));
        out.printf("job %s %s%n", job, running ? "RUNNING" : flink.jobState(job) + " (tasks still starting after " + waitS + " s)");
        return running ? 0 : 1;
    }

    @Command(name = "edge", mixinStandardHelpOptions = true, description = "Submit the edge job (EdgeCaptionJob) to a Flink cluster.")
    public static final class Edge extends SubmitCommand {
        @Override
        Class<?> entryClass() {
            return EdgeCaptionJob.class;
        }
    }

    @Command(name = "cloud", mixinStandardHelpOptions = true, description = "Submit the cloud job (CloudVerifyJob) to a Flink cluster.")
    public static final class Cloud extends SubmitCommand {
        @Override
        Class<?> entryClass() {
            return CloudVerifyJob.class;
        }
    }
}
