package sec.inference.verifier;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sec.inference.model.ModelException;
import sec.inference.model.ModelManifest;

/**
 * The cloud model: TorchScript through DJL's PyTorch engine, on the GPU when DJL sees one and on
 * CPU otherwise. Scores a batch of requests in one forward pass (right-padded tokens, context
 * lengths as masks) and cuts each request's rows back out.
 */
public final class Verifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;
    private final int contextDim;
    private final int vocabSize;
    private final long pad;

    private Verifier(ZooModel<NDList, NDList> model, ModelManifest manifest) {
        this.model = model;
        this.predictor = model.newPredictor();
        this.contextDim = manifest.contextDim();
        this.vocabSize = manifest.vocabSize();
        this.pad = manifest.pad();
    }

    /** Loads {@code verifier.pt} with the default thread budget ({@link TorchThreads#DEFAULT}). */
    public static Verifier load(ModelManifest manifest) {
        return load(manifest, TorchThreads.DEFAULT);
    }

    /**
     * Loads {@code verifier.pt}, offline (DJL's native library comes from the Maven artifact), with
     * libtorch at {@code threads} intra-op threads (a setting of the whole JVM: {@link TorchThreads}).
     */
    public static Verifier load(ModelManifest manifest, int threads) {
        return load(manifest, threads, TorchThreads.WaitPolicy.PASSIVE);
    }

    /** As {@link #load(ModelManifest, int)}, with how libtorch's idle threads wait (decided by the JVM's first verifier). */
    public static Verifier load(ModelManifest manifest, int threads, TorchThreads.WaitPolicy waitPolicy) {
        Path file = manifest.verifierFile();
        if (!Files.isRegularFile(file)) {
            throw new ModelException(file + ": verifier model not found");
        }
        System.setProperty("ai.djl.offline", "true");
        TorchThreads.apply(threads, waitPolicy);
        Device device = Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(file.getParent())
                .optModelName(file.getFileName().toString().replaceFirst("\\.pt$", ""))
                .optEngine("PyTorch")
                .optDevice(device)
                .optTranslator(new NoopTranslator())
                .build();
        try {
            ZooModel<NDList, NDList> model = criteria.loadModel();
            LOG.info("loaded verifier {} on {}", file.getFileName(), device);
            Verifier v = new Verifier(model, manifest);
            v.checkVocabulary(file);
            return v;
        } catch (ModelNotFoundException | MalformedModelException | IOException e) {
            throw new ModelException(file + ": not a loadable TorchScript model (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            if (e instanceof ModelException) {
                throw e;
            }
            throw new ModelException(file + ": cannot be loaded by DJL (" + e.getMessage() + ")", e);
        }
    }

    private void checkVocabulary(Path file) {
        long[] tokens = {0, 0};
        List<float[][]> rows = score(List.of(new VerifyInput(new byte[contextDim], 1, tokens, 1)));
        int got = rows.get(0)[0].length;
        if (got != vocabSize) {
            close();
            throw new ModelException(file + ": verifier has a vocabulary of " + got
                    + " tokens, the manifest and tokenizer have " + vocabSize);
        }
    }

    public int vocabSize() {
        return vocabSize;
    }

    /**
     * Scores a batch. For each request returns rows [blockLength + 1][vocab]: row j holds the
     * logits that predict token blockStart + j (the last row predicts the token after the block).
     */
    public synchronized List<float[][]> score(List<VerifyInput> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        int b = batch.size();
        TorchThreads.forPass(b);
        int steps = 0;
        int length = 0;
        for (VerifyInput in : batch) {
            steps = Math.max(steps, in.contextSteps());
            length = Math.max(length, in.tokens().length);
        }
        byte[] ctx = new byte[b * steps * contextDim];
        long[] ctxLen = new long[b];
        long[] ids = new long[b * length];
        long[] idsLen = new long[b];
        java.util.Arrays.fill(ids, pad);
        for (int i = 0; i < b; i++) {
            VerifyInput in = batch.get(i);
            System.arraycopy(in.context(), 0, ctx, i * steps * contextDim, in.contextSteps() * contextDim);
            ctxLen[i] = in.contextSteps();
            System.arraycopy(in.tokens(), 0, ids, i * length, in.tokens().length);
            idsLen[i] = in.tokens().length;
        }
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDList input = new NDList(
                    m.create(ByteBuffer.wrap(ctx), new Shape(b, steps, contextDim), DataType.INT8),
                    m.create(ctxLen),
                    m.create(ids, new Shape(b, length)),
                    m.create(idsLen));
            // The predictor's output is not owned by m: close it here, or every pass leaks native memory.
            try (NDList result = predictor.predict(input)) {
                return rows(batch, result.singletonOrThrow(), length);
            }
        } catch (TranslateException e) {
            throw new IllegalStateException("verifier forward pass failed: " + e.getMessage(), e);
        }
    }

    /** Per request, the rows [blockLength + 1][vocab] of a padded batch's logits [b][length][vocab]. */
    private static List<float[][]> rows(List<VerifyInput> batch, NDArray logits, int length) {
        float[] all = logits.toFloatArray();
        int vocab = (int) logits.getShape().get(2);
        List<float[][]> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            VerifyInput in = batch.get(i);
            float[][] rows = new float[in.blockLength() + 1][];
            for (int j = 0; j < rows.length; j++) {
                int from = (i * length + in.blockStart() - 1 + j) * vocab;
                rows[j] = java.util.Arrays.copyOfRange(all, from, from + vocab);
            }
            out.add(rows);
        }
        return out;
    }

    @Override
    public synchronized void close() {
        predictor.close();
        model.close();
    }
}
