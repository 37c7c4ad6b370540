package sec.cli;

import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sec.devkit.EmbeddedKafka;
import sec.connectors.KafkaSettings;
import sec.connectors.TopicAdmin;
import sec.inference.FeatureExtractor;
import sec.inference.model.ModelManifest;
import sec.operators.DrafterConfig;
import sec.operators.SegmenterConfig;
import sec.schemas.AudioFrame;
import sec.schemas.VerifyRequest;
import sec.cli.inject.BadFrames;
import sec.cli.inject.FaultInjection;
import sec.cli.inject.VerifierOutage;
import sec.cli.dashboard.DashboardServer;
import sec.jobs.JobSettings;
import sec.jobs.EdgeCaptionJob;
import sec.jobs.CloudVerifyJob;

/**
 * {@code sec demo}: the main job on the embedded default. An in-process Kafka broker, the edge and
 * cloud pipelines on one local MiniCluster (web UI printed), the bundled sample calls streamed in
 * as frames, captions read back (read_committed) and shown as they arrive, then a summary. Exits 0
 * only when every utterance got its caption; stops everything it started.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the pipeline on the embedded default.")
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--calls", defaultValue = "8", description = "number of calls (the 8 bundled ones, repeated if more)")
    int calls;

    @Option(names = "--lang", defaultValue = "both", description = "en | zh | both")
    String lang;

    @Option(names = "--fast", description = "stream frames as fast as possible instead of in real time")
    boolean fast;

    @Option(names = "--summary", description = "also write the summary as JSON to this file")
    Path summaryFile;

    @Option(names = "--kv-cache-checkpoint", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "drafter.kv-cache.checkpoint: keep the drafter's KV cache in checkpoints (default: ${DEFAULT-VALUE});"
                    + " with --no-kv-cache-checkpoint a restore rebuilds it by one prefill")
    boolean kvCacheCheckpoint;

    @Option(names = "--unaligned-checkpoints", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "checkpoint.unaligned: barriers overtake in-flight records, which go into the checkpoint (default:"
                    + " ${DEFAULT-VALUE}); --no-unaligned-checkpoints aligns them, as Flink does by default")
    boolean unalignedCheckpoints;

    @Option(names = "--models", description = "model bundle directory (default: the bundled models)")
    Path bundleDir;

    @Mixin
    SpeculationOptions speculation;

    @Option(names = "--inject", paramLabel = "SPEC", description = "faults to add on purpose, e.g. "
            + "bad-frames=0.05,verifier-outage=10s[@5s]: extra bad records (that share of the frames; each must become one"
            + " dead letter) and the cloud unreachable for a while (from job start, or after the @ offset)")
    String inject;

    /** Flink's network buffer timeout here and in deploy/local (Flink's default is 100 ms). */
    static final long BUFFER_TIMEOUT_MS = 5;

    @Option(names = "--watch-heap", paramLabel = "SECONDS", description = "every SECONDS, a full GC and the heap"
            + " in use after it, listed in the summary; also once before the calls and once after the last caption and"
            + " the call inactivity timeout (heap_before_mb, heap_after_mb: a soak run shows whether state is released)")
    Integer watchHeapS;

    @Option(names = "--stagger-ms", defaultValue = "0", description = "start call i i*MS later, so calls come and go"
            + " (real time; with --fast every frame is sent at once anyway)")
    long staggerMs;

    @Option(names = "--metrics-snapshot", paramLabel = "FILE", description = "before stopping, save what the"
            + " Prometheus endpoint shows (all Flink and pipeline metrics) to this file")
    Path metricsSnapshot;

    @Option(names = "--rtt-ms", defaultValue = "0", description = "emulate an edge-cloud link with this round-trip time"
            + " (each verification request reaches the verifier this much later)")
    long rttMs;

    @Option(names = "--timeout-s", defaultValue = "900", description = "give up after this many seconds")
    int timeoutS;

    @Option(names = "--dashboard-port", defaultValue = "0", description = "port of the supervisor page (default: any free"
            + " one; the URL is printed); -1: no page")
    int dashboardPort;

    @Option(names = "--linger-s", defaultValue = "0", description = "keep the pipeline and the page up this many seconds"
            + " after the last caption (to look at the page)")
    int lingerS;

    @Option(names = "--batch-calls", defaultValue = "" + DrafterConfig.DEFAULT_BATCH_CALLS, description = "drafter.batch-calls:"
            + " calls whose next blocks are drafted together (default: ${DEFAULT-VALUE}; 1: each call at once)")
    int batchCalls;

    @Option(names = "--rollout-at", arity = "2", paramLabel = "S DIR", description = "S seconds in, roll the bundle DIR out"
            + " to both jobs over the control topic (as sec models publish does), while the calls stream")
    String[] rolloutAt;

    @Option(names = "--metrics-port", defaultValue = "0", description = "port of the Prometheus endpoint (default: any free one)")
    int metricsPortOption;

    @Option(names = "--warmup-calls", defaultValue = "0", description = "first stream this many calls (copies of the bundled"
            + " ones, not in the summary) and start the measured calls when all their captions are in: the figures of a warm"
            + " pipeline, as on a TaskManager that has run a while, instead of a fresh JVM's")
    int warmupCalls;

    @Option(names = "--parallelism", defaultValue = "1", description = "subtasks of every operator of both jobs, one"
            + " TaskManager slot each (default: ${DEFAULT-VALUE}); the drafter's and the verifier's auto thread budgets"
            + " divide the cores among the slots, and the calls are spread over the drafter subtasks by call id")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        if (parallelism < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--parallelism must be at least 1, got " + parallelism);
        }
        PrintWriter out = spec.commandLine().getOut();
        Path models = SecCli.modelsDir();
        DemoCalls loaded = DemoCalls.load(models.resolve("calls"), calls, "", lang);
        List<List<AudioFrame>> streams = loaded.streams();
        // every segment the endpointer will cut gets a caption, but those that are not speech
        FeatureExtractor gate = FeatureExtractor.of(ModelManifest.load(bundleDir != null ? bundleDir : models.resolve("bundled")));
        Map<Integer, Integer> perBundledCall = new HashMap<>(); // copies of a bundled call cut alike
        int expected = loaded.expectedCaptions(gate, perBundledCall);
        DemoWarmup warmup = DemoWarmup.none();
        if (warmupCalls > 0) {
            DemoCalls warm = DemoCalls.load(models.resolve("calls"), warmupCalls, DemoWarmup.PREFIX, lang);
            warmup = new DemoWarmup(warm.streams(), warm.expectedCaptions(gate, perBundledCall));
        }
        FaultInjection faults = inject == null ? FaultInjection.NONE : FaultInjection.parse(inject);
        int frameCount = streams.stream().mapToInt(List::size).sum();
        List<BadFrames.Timed> bad = BadFrames.among(streams, (int) Math.round(faults.badFrameRate() * frameCount),
                segmenter().maxPayloadBytes(), 7);
        long t0 = System.nanoTime();
        DemoSummary summary = new DemoSummary(streams.size(), expected, bad.size());
        loaded.scripts().forEach(summary::script);
        Path checkpoints = Files.createTempDirectory("sec-demo-checkpoints");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.createMissing(settings, 4, (short) 1);
            int port = freePort();
            int metricsPort = metricsPortOption > 0 ? metricsPortOption : freePort();
            Configuration conf = new Configuration();
            conf.set(RestOptions.PORT, port);
            conf.addAll(Configuration.fromMap(Map.of(
                    "metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                    "metrics.reporter.prom.port", String.valueOf(metricsPort))));
            // Checkpoints to files: the JobManager's memory storage caps state at 5 MB, which
            // 200 calls' audio buffers pass (found by the soak run), and a failed checkpoint would fail the job.
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
            // a verdict crosses four network exchanges per round trip: Flink's 100 ms buffer timeout
            // cost ~100 ms of the median caption at 128 calls (the same setting as deploy/local's)
            conf.set(org.apache.flink.configuration.ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(BUFFER_TIMEOUT_MS));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            env.setParallelism(parallelism);
            String bundle = (bundleDir != null ? bundleDir : models.resolve("bundled")).toString();
            // the jobs get their settings the way a cluster's do: keys, defaults filled in by JobSettings
            Map<String, String> keys = new java.util.LinkedHashMap<>(JobSettings.keysOf(settings));
            keys.put("models.dir", bundle);
            keys.put("drafter.kv-cache.checkpoint", String.valueOf(kvCacheCheckpoint));
            keys.put("drafter.batch-calls", String.valueOf(batchCalls));
            keys.put("checkpoint.unaligned", String.valueOf(unalignedCheckpoints));
            // verifier.threads stays auto: at --parallelism 1 both jobs share the one slot, so the verifier may use every
            // core; its idle threads sleep (passive waits), and at 96 calls 2 threads beat 1 in both back-to-back pairs
            // (PERFORMANCE.md). With N slots each subtask's budget is cores / N.
            keys.putAll(speculation.settings());
            JobSettings jobs = JobSettings.of(keys);
            jobs.checkpointing(env); // every second, as on a cluster
            long outageFrom = System.currentTimeMillis() + faults.outageStart().toMillis();
            VerifierOutage outage = faults.outage().isZero() ? null
                    : new VerifierOutage(outageFrom, outageFrom + faults.outage().toMillis());
            CloudVerifyJob.preflight(jobs);
            EdgeCaptionJob.preflight(jobs);
            CloudVerifyJob.kafka(env, jobs, outage == null && rttMs == 0 ? null : requests -> link(requests, outage));
            EdgeCaptionJob.kafka(env, jobs);
            // the page first: it reads from the topics' start, so it shows every caption however late it is opened
            DashboardServer dashboard = dashboardPort < 0 ? null
                    : DashboardServer.start(settings, "127.0.0.1", dashboardPort, Duration.ofHours(1), Path.of(bundle, "tokenizer.json"));
            JobClient job;
            try {
                job = env.executeAsync("sec-demo");
            } catch (Exception e) {
                if (dashboard != null) {
                    dashboard.close();
                }
                throw e;
            }
            out.printf("Kafka: %s   Flink web UI: http://127.0.0.1:%d   metrics: http://127.0.0.1:%d/metrics%n"
                    + "%s%s%d calls, %d utterances expected%nlog: %s%n%n",
                    kafka.bootstrapServers(), port, metricsPort, dashboard == null ? "" : "dashboard: " + dashboard.url() + "\n",
                    warmup.expected() == 0 ? "" : String.format("warm-up first: %d calls, %d utterances (not counted)%n",
                            warmup.streams().size(), warmup.expected()),
                    streams.size(), expected, System.getProperty("sec.log.file",
                            Path.of(System.getProperty("java.io.tmpdir"), "sec.log").toString()));
            if (faults.any()) {
                out.printf("injecting: %d bad records; verifier unreachable for %d s from %+.1f s%n%n", bad.size(),
                        faults.outage().toSeconds(), (outageFrom - System.currentTimeMillis()) / 1000.0);
            }
            out.flush();
            DemoWarmup warm = warmup;
            Thread producer = new Thread(() -> produce(settings, warm, streams, bad), "demo-producer");
            Thread rollout = null;
            HeapWatch heap = null;
            try {
                awaitTasks(port, job, Duration.ofSeconds(timeoutS), out);
                producer.start();
                rollout = rolloutAt == null ? null : DemoRollout.start(settings, Double.parseDouble(rolloutAt[0]),
                        Path.of(rolloutAt[1]), out);
                heap = watchHeapS == null ? null : new HeapWatch(watchHeapS * 1000L);
                DemoReader.read(settings, summary, warmup, out, Duration.ofSeconds(timeoutS), faults.any());
                if (lingerS > 0) {
                    out.printf("%nall captions in; the pipeline and the page stay up %d s%n", lingerS);
                    out.flush();
                    Thread.sleep(lingerS * 1000L);
                }
                if (heap != null) { // the segmenter forgets a call one inactivity timeout after its end
                    Thread.sleep(segmenter().inactivityTimeoutMs() + 5_000);
                    heap.last();
                }
            } finally {
                producer.interrupt();
                producer.join(10_000);
                if (rollout != null) {
                    rollout.interrupt();
                }
                if (heap != null) {
                    heap.close();
                    summary.heap(heap.beforeMb(), heap.samplesMb(), heap.afterMb());
                }
                summary.restarts(restarts(port, job));
                if (metricsSnapshot != null) {
                    Files.writeString(metricsSnapshot, scrape(metricsPort));
                }
                if (dashboard != null) {
                    dashboard.close();
                }
                stop(job);
            }
        }
        deleteTree(checkpoints);
        summary.printTable(out, (System.nanoTime() - t0) / 1e9);
        if (summaryFile != null) {
            Files.writeString(summaryFile, summary.json().toPrettyString());
        }
        return summary.complete() ? 0 : 1;
    }

    /** The emulated edge–cloud link: requests lost in an outage, the rest arriving one RTT late. */
    private org.apache.flink.streaming.api.datastream.DataStream<VerifyRequest> link(
            org.apache.flink.streaming.api.datastream.DataStream<VerifyRequest> requests, VerifierOutage outage) {
        var arriving = outage == null ? requests : requests.filter(outage).name("verifier-reachable").uid("verifier-reachable");
        return rttMs == 0 ? arriving : org.apache.flink.streaming.api.datastream.AsyncDataStream.orderedWait(arriving,
                new sec.cli.inject.LinkDelay(rttMs), rttMs + 10_000, java.util.concurrent.TimeUnit.MILLISECONDS, 1000)
                .name("link-rtt").uid("link-rtt");
    }

    private static SegmenterConfig segmenter() {
        return SegmenterConfig.defaults(); // what JobSettings' segmenter.* defaults are made of
    }

    /** All calls at once, frame step by frame step: in real time unless --fast; the warm-up's calls first. */
    private void produce(KafkaSettings settings, DemoWarmup warmup, List<List<AudioFrame>> streams, List<BadFrames.Timed> bad) {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(settings.clientConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            FrameStreamer streamer = new FrameStreamer(fast ? 0 : 1, staggerMs);
            if (!warmup.streams().isEmpty()) {
                streamer.stream(p, settings.topics().frames(), warmup.streams(), List.of());
                if (!warmup.await(timeoutS * 1000L)) {
                    return; // the summary then lacks every caption: the run fails as a slow one does
                }
            }
            streamer.stream(p, settings.topics().frames(), streams, bad);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until every task of the job runs (its operators have loaded and warmed up their models)
     * before any audio is sent, as calls reach a deployed pipeline: audio sent earlier queued behind
     * the start-up, and its captions set the run's p95.
     */
    private static void awaitTasks(int port, JobClient job, Duration limit, PrintWriter out) throws Exception {
        long t0 = System.nanoTime();
        if (!new sec.cli.cluster.FlinkRest("http://127.0.0.1:" + port).awaitTasksRunning(job.getJobID().toString(), limit)) {
            throw new IllegalStateException("the pipeline's tasks did not all start within " + limit.toSeconds() + " s (log: "
                    + System.getProperty("sec.log.file", "sec.log") + ")");
        }
        out.printf("pipeline running after %.1f s; streaming the calls%n", (System.nanoTime() - t0) / 1e9);
        out.flush();
    }

    /** How often the job failed over (its exception history, through the REST API); bad input and outages must not. -1: unknown. */
    private static long restarts(int port, JobClient job) {
        try {
            return new sec.cli.cluster.FlinkRest("http://127.0.0.1:" + port).failovers(job.getJobID().toString());
        } catch (Exception e) {
            return -1;
        }
    }

    private static String scrape(int port) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Cancels the job and waits until it has ended, so no client of it outlives the broker. */
    private static void stop(JobClient job) throws Exception {
        job.cancel().get();
        try {
            job.getJobExecutionResult().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException cancelled) {
            // the expected end of a cancelled job
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
