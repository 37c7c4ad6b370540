package sec.operators;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sec.inference.CloudModels;
import sec.inference.ModelWarmup;
import sec.inference.decode.Decision;
import sec.inference.decode.verify.BatchingVerifier;
import sec.inference.decode.verify.VerificationService;
import sec.inference.model.BundleVersions;
import sec.inference.verifier.TorchThreads;
import sec.schemas.ModelSide;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/**
 * Async I/O around the batching verifier: per subtask, one verifier (GPU when present) and one
 * batching queue per model version it holds ({@link BundleVersions}: the configured bundle, then
 * what the control topic rolls out). Each request is served by its call's version, the verdict
 * names it. A request that times out or fails yields no verdict: the edge's deadline commits that
 * block unverified, so the job never restarts for it. Roll-out decisions leave as status outputs,
 * with the next element this subtask handles.
 *
 * <p>The roll-outs it was told of are also its own state ({@link KnownRollouts}, as the drafter keeps
 * them): after a restore, the requests that were in flight are invoked again as the operator opens,
 * before the {@link RolloutRouter}'s replay can reach them, so {@link #open} loads the restored
 * versions first and those requests are served by their call's version, not the configured one.
 */
public class VerifierFunction extends RichAsyncFunction<VerifyTask, CloudOutput> implements CheckpointedFunction {
    private static final Logger LOG = LoggerFactory.getLogger(VerifierFunction.class);
    /** A version neither stable nor canary is closed once no request has used it for this long. */
    static final long UNUSED_VERSION_MS = 300_000;
    /** How long a replayed roll-out may take to load before requests go on without it. */
    private static final long REPLAY_LOAD_MS = 120_000;

    private final VerifierConfig config;
    private transient BundleVersions<VersionServing> versions;
    /** Requests drafted with another tokenizer, answered with an unusable verdict. */
    private transient Counter incompatible;
    private transient Counter rejected;
    private transient DescriptiveStatisticsHistogram batchSize;
    private transient int subtask;
    private transient KnownRollouts known;

    public VerifierFunction(VerifierConfig config) {
        this.config = config;
    }

    /** One version's models and batching queue. */
    record VersionServing(CloudModels models, BatchingVerifier batching) implements AutoCloseable {
        @Override
        public void close() {
            try (models) {
                batching.close();
            }
        }
    }

    /** A loaded version, warmed up ({@link ModelWarmup#cloud}) before it serves a real request. */
    private VersionServing serve(CloudModels models) {
        var service = new VerificationService(models.verifier(), models.manifest(), config.speculation());
        try {
            ModelWarmup.cloud(service, models.manifest());
        } catch (RuntimeException e) {
            models.close();
            throw e;
        }
        var batching = new BatchingVerifier(service, config.maxBatch(), config.maxWaitMs(), config.queueCapacity());
        batching.onBatch(batchSize::update);
        return new VersionServing(models, batching);
    }

    @Override
    public void initializeState(FunctionInitializationContext ctx) throws Exception {
        known = KnownRollouts.restore(ctx.getOperatorStateStore(), "verifier-rollouts");
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
        known.snapshot();
    }

    @Override
    public void open(OpenContext ctx) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        batchSize = metrics.histogram("verifierBatchSize", new DescriptiveStatisticsHistogram(1000));
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        int threads = TaskSlots.threads(config.threads(), getRuntimeContext());
        CloudModels initial = CloudModels.load(Path.of(config.modelDir()), threads, config.waitPolicy());
        versions = new BundleVersions<>(initial.manifest().name(), serve(initial),
                dir -> serve(CloudModels.load(dir, threads, config.waitPolicy())), UNUSED_VERSION_MS, System::currentTimeMillis);
        metrics.gauge("verifierThreads", (Gauge<Integer>) TorchThreads::budget);
        incompatible = metrics.counter("requestsIncompatible");
        rejected = metrics.counter("rolloutsRejected");
        metrics.gauge("verifierQueueDepth", (Gauge<Integer>) this::peakQueueDepth);
        metrics.gauge("modelVersionsHeld", (Gauge<Integer>) () -> versions.held().size());
        known.all().forEach(r -> versions.offer(RolloutLog.toVersions(r)));
        if (!known.all().isEmpty()) {
            versions.awaitLoads(REPLAY_LOAD_MS); // requests restored in flight are invoked right after open
        }
    }

    private int peakQueueDepth() {
        return versions.models().stream().mapToInt(s -> s.batching().peakQueueDepth()).max().orElse(0);
    }

    @Override
    public void asyncInvoke(VerifyTask task, ResultFuture<CloudOutput> result) {
        if (task.rollout != null) {
            if (!known.remember(task.rollout)) { // restored from this function's state: loaded in open()
                result.complete(decisions());
                return;
            }
            versions.offer(RolloutLog.toVersions(task.rollout));
            if (task.replay) {
                // after a restore: requests start on the version they were on, not on the configured one
                versions.awaitLoads(REPLAY_LOAD_MS);
            }
            result.complete(decisions());
            return;
        }
        List<CloudOutput> out = decisions();
        VerifyRequest r = task.request;
        String version = versions.versionFor(r.getCallId());
        VersionServing serving = versions.acquire(version);
        String tokenizerId = serving.models().manifest().tokenizerId();
        if (r.getTokenizerId() != null && !r.getTokenizerId().equals(tokenizerId)) {
            // token ids of another vocabulary: scoring them would accept or correct nonsense
            versions.release(version);
            incompatible.inc();
            out.add(CloudOutput.of(verdict(r, Decision.UNUSABLE, 0f, version)));
            result.complete(out);
            return;
        }
        long t0 = System.nanoTime();
        serving.batching().submit(task.serviceTask()).whenComplete((d, err) -> {
            versions.release(version);
            if (err != null) {
                LOG.warn("no verdict for {} block {}: {}", r.getUtteranceId(), r.getBlockId(), err.getMessage());
            } else {
                out.add(CloudOutput.of(verdict(r, d, (System.nanoTime() - t0) / 1e6f, version)));
            }
            result.complete(out);
        });
    }

    private List<CloudOutput> decisions() {
        List<CloudOutput> out = new ArrayList<>();
        for (BundleVersions.Decision d : versions.refresh()) {
            if (d.kind() == BundleVersions.Kind.REJECTED) {
                rejected.inc();
                LOG.warn("model version {} rejected: {}", d.version(), d.reason());
            } else {
                LOG.info("model version {}: {}", d.version(), d.kind());
            }
            out.add(CloudOutput.of(RolloutLog.status(d, ModelSide.CLOUD, "cloud", subtask, System.currentTimeMillis())));
        }
        return out;
    }

    @Override
    public void timeout(VerifyTask task, ResultFuture<CloudOutput> result) {
        if (task.request != null) {
            LOG.warn("verification of {} block {} timed out", task.request.getUtteranceId(), task.request.getBlockId());
        }
        result.complete(List.of());
    }

    private static Verdict verdict(VerifyRequest r, Decision d, float latencyMs, String version) {
        return Verdict.newBuilder().setCallId(r.getCallId()).setUtteranceId(r.getUtteranceId()).setBlockId(r.getBlockId())
                .setEpoch(r.getEpoch()).setAccepted(d.accepted()).setCorrection(d.corrected() ? d.correction() : null)
                .setBonus(d.hasBonus() ? d.bonus() : null).setVerifierLatencyMs(latencyMs).setVerifierModelId(version)
                .setSentAtMs(r.getSentAtMs()).build();
    }

    @Override
    public void close() {
        if (versions != null) {
            versions.close();
        }
    }
}
