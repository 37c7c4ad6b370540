package sec.cli.models;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sec.cli.cluster.ClusterOptions;
import sec.connectors.KafkaSettings;
import sec.schemas.ModelRollout;
import sec.schemas.ModelSide;

/** {@code sec models publish}: a model bundle onto the control topic, checked and with every file's checksum; {@code sec models status}. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Roll out model bundles.",
        subcommands = {ModelsCommand.Publish.class, ModelsStatus.class})
public final class ModelsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = "Check a bundle (it loads, as the jobs would load it) and publish it on the control topic"
                    + " (kafka.topic.models) with the SHA-256 of every file.")
    public static final class Publish implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClusterOptions cluster;

        @Parameters(index = "0", paramLabel = "DIR", description = "the bundle (model.json and the files it names)")
        Path dir;

        @Option(names = "--version", description = "the version captions will name (default: the manifest's name)")
        String version;

        @Option(names = "--side", defaultValue = "both", description = "edge | cloud | both (default: ${DEFAULT-VALUE})")
        String side;

        @Option(names = "--canary", defaultValue = "100", paramLabel = "PERCENT",
                description = "share of calls that start on it, 1-100 (default: ${DEFAULT-VALUE})")
        int canary;

        @Option(names = "--location", description = "where every TaskManager reads the bundle (default: DIR, absolute)")
        String location;

        @Override
        public Integer call() throws Exception {
            ModelSide which = ModelSide.valueOf(side.toUpperCase(Locale.ROOT));
            KafkaSettings kafka = cluster.kafka();
            ModelRollout rollout = RolloutPublisher.publish(kafka, dir, version, which, canary, location);
            String topic = kafka.topics().models();
            int files = rollout.getFiles().size();
            PrintWriter out = spec.commandLine().getOut();
            out.printf("published %s (%s, %d %% of calls, %d files) from %s to %s%n", rollout.getVersion(), which, canary,
                    files, rollout.getLocation(), topic);
            return 0;
        }
    }
}
