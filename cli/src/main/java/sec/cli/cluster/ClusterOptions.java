package sec.cli.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import sec.connectors.KafkaSettings;
import sec.jobs.JobSettings;

/**
 * Where the cluster's settings come from for the {@code sec} commands that talk to a real cluster:
 * the jobs' settings file, single overrides, and a shortcut for the broker address.
 */
public final class ClusterOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "the jobs' settings file (key: value lines; see docs/OPERATIONS.md)")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "one setting over the file's (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--bootstrap", paramLabel = "SERVERS", description = "kafka.bootstrap-servers (over the file's)")
    String bootstrap;

    /** File, then --set, then --bootstrap, as flat keys. */
    public Map<String, String> settings() {
        Map<String, String> all = new LinkedHashMap<>();
        if (config != null) {
            all.putAll(JobSettings.merged("--config", config.toString()));
        }
        for (String kv : overrides) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set takes KEY=VALUE, got '" + kv + "'");
            }
            all.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        if (bootstrap != null) {
            all.put("kafka.bootstrap-servers", bootstrap);
        }
        return all;
    }

    public KafkaSettings kafka() {
        return JobSettings.kafka(settings());
    }
}
