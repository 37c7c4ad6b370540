package sec.cli.dashboard;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sec.cli.SecCli;
import sec.cli.cluster.ClusterOptions;

/** {@code sec dashboard}: the supervisor page for a running pipeline's caption and alert topics. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = "Serve the live supervisor page (captions, emotion timelines, ρ, alerts) from the caption and alert topics.")
public final class DashboardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}; 0: any free one)")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default: ${DEFAULT-VALUE};"
            + " 0.0.0.0 to let other machines open the page)")
    String host;

    @Option(names = "--since-min", defaultValue = "10", description = "show captions and alerts from this many minutes ago"
            + " on (default: ${DEFAULT-VALUE})")
    int sinceMin;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "the model bundle's tokenizer.json (default: the bundled one)")
    Path tokenizer;

    @Option(names = "--stop-after-s", paramLabel = "S", description = "stop after S seconds (default: run until interrupted)")
    Long stopAfterS;

    @Override
    public Integer call() throws Exception {
        Path vocab = tokenizer != null ? tokenizer : SecCli.modelsDir().resolve("bundled").resolve("tokenizer.json");
        CountDownLatch stopped = new CountDownLatch(1);
        try (DashboardServer server = DashboardServer.start(cluster.kafka(), host, port, Duration.ofMinutes(sinceMin), vocab)) {
            Thread hook = new Thread(stopped::countDown, "sec-dashboard-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            spec.commandLine().getOut().println("dashboard: " + server.url());
            spec.commandLine().getOut().flush();
            if (stopAfterS == null) {
                stopped.await();
            } else {
                stopped.await(stopAfterS, TimeUnit.SECONDS);
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        return 0;
    }
}
