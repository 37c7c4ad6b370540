package sec.cli.cluster;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sec.connectors.KafkaSettings;
import sec.connectors.TopicAdmin;

/** {@code sec topics create}: the pipeline's topics, named as the settings name them. */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "Manage the pipeline's Kafka topics.",
        subcommands = TopicsCommand.Create.class)
public final class TopicsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create the topics that do not exist yet (keys are call ids, so partitions bound the parallelism).")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClusterOptions cluster;

        @Option(names = "--partitions", defaultValue = "4", description = "partitions per topic (default: ${DEFAULT-VALUE})")
        int partitions;

        @Option(names = "--replication", defaultValue = "1", description = "replication factor (default: ${DEFAULT-VALUE})")
        short replication;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            KafkaSettings kafka = cluster.kafka();
            TopicAdmin.checkAccess(kafka, 30_000);
            List<String> created = TopicAdmin.createMissing(kafka, partitions, replication);
            for (String t : kafka.topics().all()) {
                out.printf("%-28s %s%n", t, created.contains(t) ? "created (" + kafka.topics().partitions(t, partitions)
                        + " partitions)" : "exists");
            }
            return 0;
        }
    }
}
