package sec.cli.drill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import sec.cli.cluster.FlinkRest;
import sec.jobs.CloudVerifyJob;
import sec.jobs.EdgeCaptionJob;
import sec.jobs.JobSettings;

/**
 * The two jobs of a drill on the local cluster: submitted through the leading JobManager's REST API
 * with the job jar, stopped with a savepoint and submitted again from it (a restart or a rescale).
 * Knows each side's current job id and parallelism.
 */
final class ClusterJobs {
    enum Side { CLOUD, EDGE }

    private final LocalCluster cluster;
    private final Path jar;
    private final Map<String, String> settings;
    private final Map<Side, String> ids = new LinkedHashMap<>();
    private final Map<Side, Integer> parallelism = new LinkedHashMap<>();

    ClusterJobs(LocalCluster cluster, Path jar, Map<String, String> settings) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no job jar at " + jar + " (build it with mvn -B -DskipTests package)");
        }
        this.cluster = cluster;
        this.jar = jar;
        this.settings = new LinkedHashMap<>(settings);
    }

    /**
     * Creates the topics and submits the cloud job, then the edge job, each at {@code parallelism},
     * with deploy/local/submit.sh (what a user runs); the settings are its file's plus this drill's.
     */
    void submitBoth(int parallelism) throws Exception {
        List<String> command = new ArrayList<>(List.of("deploy/local/submit.sh", "--set", "parallelism=" + parallelism));
        settings.forEach((k, v) -> command.addAll(List.of("--set", k + "=" + v)));
        cluster.script(Duration.ofMinutes(4), command.toArray(String[]::new));
        Map<String, String> written = JobSettings.merged("--config", cluster.dir().resolve("sec.properties").toString());
        written.forEach(settings::putIfAbsent);
        for (String line : Files.readAllLines(cluster.dir().resolve("jobs"))) {
            String[] sideAndId = line.trim().split(" ");
            Side side = Side.valueOf(sideAndId[0].toUpperCase(java.util.Locale.ROOT));
            ids.put(side, sideAndId[1]);
            this.parallelism.put(side, parallelism);
        }
        if (ids.size() != 2) {
            throw new IllegalStateException("submit.sh did not report both jobs: " + ids);
        }
    }

    /** Stops {@code side} with a savepoint and submits it again from it at {@code newParallelism}; returns the savepoint. */
    String restart(Side side, int newParallelism) throws Exception {
        String savepoint = cluster.rest().stopWithSavepoint(ids.get(side), Duration.ofMinutes(3));
        submit(side, newParallelism, savepoint);
        return savepoint;
    }

    int parallelism(Side side) {
        return parallelism.get(side);
    }

    Map<Side, String> ids() {
        return Map.copyOf(ids);
    }

    /** Failures in the current jobs' exception histories (a JobManager failover starts them anew); -1 if the REST API does not answer. */
    int failovers() {
        int sum = 0;
        try {
            for (String id : ids.values()) {
                sum += cluster.rest().failovers(id);
            }
            return sum;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private void submit(Side side, int p, String savepoint) throws Exception {
        Map<String, String> s = new LinkedHashMap<>(settings);
        s.put("parallelism", String.valueOf(p));
        FlinkRest rest = cluster.rest();
        String entry = (side == Side.CLOUD ? CloudVerifyJob.class : EdgeCaptionJob.class).getName();
        String id = rest.run(rest.uploadJar(jar), entry, JobSettings.asArgs(s), savepoint);
        if (!rest.awaitTasksRunning(id, java.time.Duration.ofMinutes(3))) {
            throw new IllegalStateException("job " + id + " (" + side + ") is " + rest.jobState(id)
                    + ", its tasks not all running after 3 minutes (logs in " + cluster.dir().resolve("log") + ")");
        }
        ids.put(side, id);
        parallelism.put(side, p);
    }
}
