package sec.operators;

import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sec.inference.CloudModels;
import sec.inference.decode.Decision;
import sec.inference.decode.verify.BatchingVerifier;
import sec.inference.decode.verify.VerificationService;
import sec.inference.model.ModelManifest;
import sec.inference.verifier.Verifier;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/**
 * Async I/O around the batching verifier: one verifier (GPU when present) and one batching queue
 * per subtask, created in open() and closed in close(). A request that times out or fails yields
 * no verdict: the edge's deadline commits that block unverified, so the job never restarts for it.
 */
public class VerifierFunction extends RichAsyncFunction<VerifyTask, Verdict> {
    private static final Logger LOG = LoggerFactory.getLogger(VerifierFunction.class);

    private final VerifierConfig config;
    private transient CloudModels models;
    private transient BatchingVerifier batching;
    private transient String modelId;
    private transient String tokenizerId;
    /** Requests drafted with another tokenizer, answered with an unusable verdict. */
    private transient org.apache.flink.metrics.Counter incompatible;

    public VerifierFunction(VerifierConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext ctx) {
        models = CloudModels.load(Path.of(config.modelDir()), config.threads());
        ModelManifest manifest = models.manifest();
        Verifier verifier = models.verifier();
        batching = new BatchingVerifier(new VerificationService(verifier, manifest, config.speculation()), config.maxBatch(),
                config.maxWaitMs(), config.queueCapacity());
        modelId = manifest.name();
        tokenizerId = manifest.tokenizerId();
        var metrics = getRuntimeContext().getMetricGroup();
        var batchSize = metrics.histogram("verifierBatchSize",
                new org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram(1000));
        batching.onBatch(batchSize::update);
        incompatible = metrics.counter("requestsIncompatible");
        metrics.gauge("verifierQueueDepth", (org.apache.flink.metrics.Gauge<Integer>) batching::peakQueueDepth);
    }

    @Override
    public void asyncInvoke(VerifyTask task, ResultFuture<Verdict> result) {
        VerifyRequest r = task.request;
        if (r.getTokenizerId() != null && !r.getTokenizerId().equals(tokenizerId)) {
            // token ids of another vocabulary: scoring them would accept or correct nonsense
            incompatible.inc();
            result.complete(List.of(verdict(r, Decision.UNUSABLE, 0f)));
            return;
        }
        long t0 = System.nanoTime();
        batching.submit(task.serviceTask()).whenComplete((d, err) -> {
                    if (err != null) {
                        LOG.warn("no verdict for {} block {}: {}", r.getUtteranceId(), r.getBlockId(), err.getMessage());
                        result.complete(List.of());
                    } else {
                        result.complete(List.of(verdict(r, d, (System.nanoTime() - t0) / 1e6f)));
                    }
                });
    }

    @Override
    public void timeout(VerifyTask task, ResultFuture<Verdict> result) {
        LOG.warn("verification of {} block {} timed out", task.request.getUtteranceId(), task.request.getBlockId());
        result.complete(List.of());
    }

    private Verdict verdict(VerifyRequest r, Decision d, float latencyMs) {
        return Verdict.newBuilder().setCallId(r.getCallId()).setUtteranceId(r.getUtteranceId()).setBlockId(r.getBlockId())
                .setEpoch(r.getEpoch()).setAccepted(d.accepted()).setCorrection(d.corrected() ? d.correction() : null)
                .setBonus(d.hasBonus() ? d.bonus() : null).setVerifierLatencyMs(latencyMs).setVerifierModelId(modelId)
                .setSentAtMs(r.getSentAtMs()).build();
    }

    @Override
    public void close() {
        if (batching != null) {
            batching.close();
        }
        if (models != null) {
            models.close();
        }
    }
}
