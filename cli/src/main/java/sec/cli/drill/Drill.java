package sec.cli.drill;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import sec.connectors.KafkaSettings;
import sec.devkit.CallFrames;
import sec.devkit.ReferenceCaptions;
import sec.inference.decode.SpeculationConfig;
import sec.operators.SegmenterConfig;
import sec.schemas.AudioFrame;
import sec.schemas.EmotionCaption;
import sec.schemas.Provenance;

/**
 * The fault drill: both jobs on a running {@link LocalCluster}, the bundled calls streamed round
 * after round, the faults of a {@link FaultPlan} injected one after another (each after its gap,
 * the next only once a new caption shows the last one recovered), then every caption compared with
 * a clean run's: the inference core's captions of the same calls.
 */
public final class Drill {
    /** How the drill runs: the plan, the calls and models, the jobs' settings and how long to wait. */
    public record Config(FaultPlan plan, Path calls, Path bundle, Path jobJar, int parallelism, long verdictDeadlineMs,
            Duration recoveryLimit) {}

    private final LocalCluster cluster;
    private final Config config;
    private final PrintWriter log;

    public Drill(LocalCluster cluster, Config config, PrintWriter log) {
        this.cluster = cluster;
        this.config = config;
        this.log = log;
    }

    public DrillResult run() throws Exception {
        Map<String, List<AudioFrame>> calls = CallFrames.folder(config.calls());
        say("the clean run: the inference core's captions of %d calls", calls.size());
        Map<String, long[]> clean = ReferenceCaptions.of(calls, config.bundle(), SpeculationConfig.defaults(),
                SegmenterConfig.defaults().reorderWindowFrames());
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("models.dir", config.bundle().toAbsolutePath().toString());
        // Longer than any outage of the plan: every block waits for its verdict, so each caption can be compared token for token.
        settings.put("drafter.verdict-deadline-ms", String.valueOf(config.verdictDeadlineMs()));
        ClusterJobs jobs = new ClusterJobs(cluster, config.jobJar(), settings);
        jobs.submitBoth(config.parallelism());
        say("both jobs running at parallelism %d: %s", config.parallelism(), jobs.ids());
        KafkaSettings kafka = KafkaSettings.of(cluster.bootstrap());
        Random random = new Random(config.plan().seed() ^ 0x5eedL); // which TaskManager dies
        List<DrillResult.Fault> faults = new ArrayList<>();
        long t0 = System.currentTimeMillis();
        try (CaptionLedger ledger = new CaptionLedger(kafka)) {
            ledger.start();
            CallLoop loop = new CallLoop(kafka, calls);
            loop.start();
            // A job reports RUNNING while its tasks still deploy and load their models: the first fault waits for a verified caption.
            if (ledger.firstCaptionAfter(0, Drill::cloudVerified, config.recoveryLimit()) < 0) {
                throw new IllegalStateException("no caption verified by the cloud within " + config.recoveryLimit() + " of the start");
            }
            say("first caption verified by the cloud %.0f s after the calls started", (System.currentTimeMillis() - t0) / 1e3);
            int n = 0;
            for (FaultPlan.Step step : config.plan().steps()) {
                n++;
                Thread.sleep(step.gapMs());
                int before = jobs.failovers();
                long at = System.currentTimeMillis();
                say("fault %d/%d at %.0f s: %s", n, config.plan().steps().size(), (at - t0) / 1e3, step.kind().label());
                Injected injected = inject(step.kind(), jobs, random);
                // new: its audio ended after the fault; verified: a block of it went through the cloud (the whole path is back)
                long next = ledger.firstCaptionAfter(at, c -> loop.endedAfter(c, at), config.recoveryLimit());
                long verified = ledger.firstCaptionAfter(at, c -> loop.endedAfter(c, at) && cloudVerified(c), config.recoveryLimit());
                injected.after().run();
                int after = jobs.failovers();
                int restarts = before < 0 || after < 0 ? -1 : Math.max(0, after - before);
                DrillResult.Fault f = new DrillResult.Fault(n, step.kind(), (at - t0) / 1000.0, injected.detail(),
                        next < 0 ? -1 : next - at, verified < 0 ? -1 : verified - at, restarts);
                faults.add(f);
                say("  %s; first new caption %s, first verified by the cloud %s", injected.detail(), seconds(f.recoveryMs()),
                        seconds(f.verifiedRecoveryMs()));
            }
            say("faults done; finishing the round under way");
            List<CallLoop.Round> rounds = loop.finish();
            Map<String, long[]> expected = new HashMap<>();
            for (CallLoop.Round r : rounds) {
                clean.forEach((id, tokens) -> expected.put(r.prefix() + id, tokens));
            }
            say("%d rounds streamed: waiting for %d captions", rounds.size(), expected.size());
            ledger.await(got -> got.keySet().containsAll(expected.keySet()), Duration.ofMinutes(10), Duration.ofSeconds(5));
            return compare(expected, ledger.byUtterance(), faults, rounds.size(), (System.currentTimeMillis() - t0) / 1000.0);
        }
    }

    private static boolean cloudVerified(EmotionCaption c) {
        return c.getProvenance().stream().anyMatch(p -> p == Provenance.VERIFIED || p == Provenance.CORRECTED);
    }

    private String seconds(long ms) {
        return ms < 0 ? "NEVER (within " + config.recoveryLimit() + ")" : String.format("%.1f s later", ms / 1e3);
    }

    /** What a fault did, and what to do once the drill has seen the recovery. */
    private record Injected(String detail, Runnable after) {}

    private Injected inject(FaultKind kind, ClusterJobs jobs, Random random) throws Exception {
        switch (kind) {
            case TASKMANAGER_KILL -> {
                List<String> alive = cluster.taskManagers();
                String victim = alive.get(random.nextInt(alive.size()));
                cluster.kill(victim);
                String replacement = cluster.startTaskManager();
                return new Injected("SIGKILL " + victim + ", " + replacement + " started", () -> {});
            }
            case BROKER_RESTART -> {
                cluster.restartBroker();
                return new Injected("broker stopped and started", () -> {});
            }
            case JOBMANAGER_KILL -> {
                String killed = cluster.killLeader();
                String leader = cluster.leader();
                return new Injected("SIGKILL " + killed + " (leader), " + leader + " took over", () -> {
                    try {
                        cluster.startJobManager(killed); // back as the standby, for the next failover
                    } catch (Exception e) {
                        throw new IllegalStateException("restarting " + killed + " failed", e);
                    }
                });
            }
            case CLOUD_RESTART -> {
                int p = jobs.parallelism(ClusterJobs.Side.CLOUD);
                String savepoint = jobs.restart(ClusterJobs.Side.CLOUD, p);
                return new Injected("cloud job stopped with a savepoint and resubmitted from it (" + Path.of(savepoint).getFileName() + ")", () -> {});
            }
            case RESCALE -> {
                int from = jobs.parallelism(ClusterJobs.Side.EDGE);
                int to = from == 1 ? config.parallelism() : 1;
                jobs.restart(ClusterJobs.Side.EDGE, to);
                return new Injected("edge job rescaled " + from + " → " + to + " through a savepoint", () -> {});
            }
            default -> throw new IllegalArgumentException("no injector for " + kind);
        }
    }

    private DrillResult compare(Map<String, long[]> expected, Map<String, List<EmotionCaption>> got, List<DrillResult.Fault> faults,
            int rounds, double seconds) {
        int lost = 0;
        int duplicated = 0;
        int timedOut = 0;
        List<String> differing = new ArrayList<>();
        for (var e : expected.entrySet()) {
            List<EmotionCaption> caps = got.getOrDefault(e.getKey(), List.of());
            lost += caps.isEmpty() ? 1 : 0;
            duplicated += Math.max(0, caps.size() - 1);
            if (caps.isEmpty()) {
                continue;
            }
            EmotionCaption c = caps.get(0);
            long[] tokens = c.getTokenIds().stream().mapToLong(Integer::longValue).toArray();
            if (c.getTimeouts() > 0) {
                timedOut++; // an edge-only commit: the verdict could not come in time; not compared
            } else if (!Arrays.equals(tokens, e.getValue())) {
                differing.add(e.getKey());
            }
        }
        List<String> unexpected = got.keySet().stream().filter(id -> !expected.containsKey(id)).sorted().toList();
        int captions = got.values().stream().mapToInt(List::size).sum();
        return new DrillResult(config.plan().seed(), rounds, expected.size(), captions, lost, duplicated, timedOut,
                differing.size(), unexpected.size(), differing.stream().sorted().limit(10).toList(), unexpected.stream().limit(10).toList(),
                faults, seconds);
    }

    private void say(String format, Object... args) {
        log.printf("[drill] " + format + "%n", args);
        log.flush();
    }
}
