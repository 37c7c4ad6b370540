package sec.inference.drafter;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sec.inference.model.ModelManifest;

/**
 * Several utterances (one per call) drafted together: every {@link #step} feeds one token to each
 * and runs the decoder once for all. Utterances differ in audio length and in how far they have
 * decoded, so the batch is padded: cross-attention keys and values with zeros under {@code encoder_mask} 0, and the
 * past keys and values after each row's own length under {@code self_mask} 0; each row keeps its
 * true positions. Those holes stay masked while the batch lives, so the decoder's present tensors
 * are fed straight back as the next step's past (no copy through Java per step), and the cross
 * keys and values (projected once per session) are laid out once. {@link #close} writes each row's cache (holes removed) and tokens back
 * to its session, which then continues alone exactly as if it had been stepped alone.
 */
public final class DecodeBatch implements AutoCloseable {
    private final Drafter drafter;
    private final List<DraftSession> sessions;
    private final ModelManifest.DrafterSpec spec;
    private final int rows;
    private final OnnxTensor[] cross;
    private final OnnxTensor encoderMask;
    private final long[] positions;
    private final long[][] fed;
    private final float[][] lastLogits;
    /** Per row, which of the positions so far are real (1) or padding (0). */
    private float[] valid;
    private int width;
    private OnnxTensor[] past;
    private OrtSession.Result previous;
    private int steps;

    public DecodeBatch(Drafter drafter, List<DraftSession> sessions) {
        this.drafter = drafter;
        this.sessions = List.copyOf(sessions);
        this.spec = drafter.spec();
        this.rows = sessions.size();
        if (rows == 0) {
            throw new IllegalArgumentException("an empty batch");
        }
        int pastMax = 0;
        int stepsMax = 0;
        CrossKv[] projected = new CrossKv[rows];
        for (int i = 0; i < rows; i++) {
            DraftSession s = sessions.get(i);
            projected[i] = drafter.cross(s);
            pastMax = Math.max(pastMax, s.cache().length());
            stepsMax = Math.max(stepsMax, s.audio().steps());
        }
        float[] mask = new float[rows * stepsMax];
        positions = new long[rows];
        valid = new float[rows * pastMax];
        fed = new long[rows][];
        lastLogits = new float[rows][];
        for (int i = 0; i < rows; i++) {
            DraftSession s = sessions.get(i);
            java.util.Arrays.fill(mask, i * stepsMax, i * stepsMax + s.audio().steps(), 1f);
            positions[i] = s.cache().length();
            java.util.Arrays.fill(valid, i * pastMax, i * pastMax + s.cache().length(), 1f);
        }
        width = pastMax;
        var env = drafter.environment();
        past = new OnnxTensor[2 * spec.layers()];
        cross = new OnnxTensor[spec.crossInputs().size()];
        try {
            for (int k = 0; k < cross.length; k++) {
                // laid out straight into native memory, which ONNX Runtime takes without a copy;
                // allocateDirect zeroes it, so the padding is already there
                long[] shape = projected[0].batchShape(k, rows, stepsMax);
                int floats = Math.toIntExact(java.util.Arrays.stream(shape).reduce(1, Math::multiplyExact));
                FloatBuffer laid = ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
                for (int i = 0; i < rows; i++) {
                    projected[i].copyInto(k, laid, i, stepsMax);
                }
                cross[k] = OnnxTensor.createTensor(env, laid, shape);
            }
            encoderMask = OnnxTensor.createTensor(env, FloatBuffer.wrap(mask), new long[] {rows, stepsMax});
            long[] shape = {rows, spec.heads(), pastMax, spec.headDim()};
            for (int l = 0; l < spec.layers(); l++) {
                past[2 * l] = OnnxTensor.createTensor(env, FloatBuffer.wrap(padded(l, true, pastMax)), shape);
                past[2 * l + 1] = OnnxTensor.createTensor(env, FloatBuffer.wrap(padded(l, false, pastMax)), shape);
            }
        } catch (OrtException e) {
            closeAll(cross);
            closeAll(past);
            throw new IllegalStateException("drafter batch: " + e.getMessage(), e);
        }
    }

    /**
     * Feeds {@code ids[i]} to row i and returns every row's next-token logits. A row whose caption
     * is finished can be fed anything (its results are not used); it still costs its share of the run.
     */
    public float[][] step(long[] ids) {
        if (ids.length != rows) {
            throw new IllegalArgumentException(rows + " rows, " + ids.length + " tokens");
        }
        float[] mask = new float[rows * (width + 1)];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(valid, i * width, mask, i * (width + 1), width);
            mask[i * (width + 1) + width] = 1f;
        }
        var env = drafter.environment();
        Map<String, OnnxTensor> in = new HashMap<>();
        OnnxTensor inputIds = null;
        OnnxTensor positionIds = null;
        OnnxTensor selfMask = null;
        try {
            inputIds = OnnxTensor.createTensor(env, LongBuffer.wrap(ids.clone()), new long[] {rows, 1});
            positionIds = OnnxTensor.createTensor(env, LongBuffer.wrap(positions.clone()), new long[] {rows, 1});
            selfMask = OnnxTensor.createTensor(env, FloatBuffer.wrap(mask), new long[] {rows, width + 1});
            in.put("input_ids", inputIds);
            in.put("position_ids", positionIds);
            for (int k = 0; k < cross.length; k++) {
                in.put(spec.crossInputs().get(k), cross[k]);
            }
            in.put("encoder_mask", encoderMask);
            in.put("self_mask", selfMask);
            for (int k = 0; k < past.length; k++) {
                in.put(spec.pastInputs().get(k), past[k]);
            }
            OrtSession.Result out = drafter.decoderSession().run(in);
            closePast();
            previous = out;
            for (int k = 0; k < past.length; k++) {
                past[k] = (OnnxTensor) out.get(spec.presentOutputs().get(k)).orElseThrow();
            }
            FloatBuffer logits = ((OnnxTensor) out.get("logits").orElseThrow()).getFloatBuffer();
            int vocab = drafter.vocabSize();
            float[][] next = new float[rows][vocab];
            for (int i = 0; i < rows; i++) {
                logits.get(next[i]);
                lastLogits[i] = next[i];
                fed[i] = append(fed[i], ids[i]);
                positions[i]++;
            }
            valid = mask;
            width++;
            steps++;
            return next;
        } catch (OrtException e) {
            throw new IllegalStateException("drafter batched decoder step failed: " + e.getMessage(), e);
        } finally {
            for (OnnxTensor t : new OnnxTensor[] {inputIds, positionIds, selfMask}) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    /** Writes every row's cache (its real positions only) and fed tokens back to its session, and frees the batch. */
    @Override
    public void close() {
        try {
            if (steps > 0) {
                float[][][] keys = new float[rows][spec.layers()][];
                float[][][] values = new float[rows][spec.layers()][];
                for (int l = 0; l < spec.layers(); l++) {
                    float[] k = Drafter.toArray(past[2 * l].getFloatBuffer());
                    float[] v = Drafter.toArray(past[2 * l + 1].getFloatBuffer());
                    for (int i = 0; i < rows; i++) {
                        keys[i][l] = real(k, i);
                        values[i][l] = real(v, i);
                    }
                }
                for (int i = 0; i < rows; i++) {
                    DraftSession s = sessions.get(i);
                    s.cache().replace(keys[i], values[i], (int) positions[i]);
                    s.appendFed(fed[i], lastLogits[i]);
                }
            }
        } finally {
            closePast();
            closeAll(cross);
            encoderMask.close();
        }
    }

    /** Row i of a [rows][heads][width][headDim] tensor, only the positions marked real. */
    private float[] real(float[] t, int i) {
        int heads = spec.heads();
        int headDim = spec.headDim();
        int length = (int) positions[i];
        float[] out = new float[heads * length * headDim];
        for (int h = 0; h < heads; h++) {
            int o = h * length * headDim;
            int base = ((i * heads + h) * width) * headDim;
            for (int p = 0; p < width; p++) {
                if (valid[i * width + p] != 0f) {
                    System.arraycopy(t, base + p * headDim, out, o, headDim);
                    o += headDim;
                }
            }
        }
        return out;
    }

    /** Layer l's keys (or values) of every session, [rows][heads][pastMax][headDim], zeros after each row's length. */
    private float[] padded(int l, boolean keys, int pastMax) {
        int heads = spec.heads();
        int headDim = spec.headDim();
        float[] out = new float[rows * heads * pastMax * headDim];
        for (int i = 0; i < rows; i++) {
            KvCache c = sessions.get(i).cache();
            float[] src = keys ? c.keys(l) : c.values(l);
            int len = c.length();
            for (int h = 0; h < heads; h++) {
                System.arraycopy(src, h * len * headDim, out, ((i * heads + h) * pastMax) * headDim, len * headDim);
            }
        }
        return out;
    }

    private void closePast() {
        if (previous != null) {
            previous.close(); // closes the present tensors it owns, which were this step's past
            previous = null;
        } else {
            for (OnnxTensor t : past) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    private static void closeAll(OnnxTensor[] tensors) {
        for (OnnxTensor t : tensors) {
            if (t != null) {
                t.close();
            }
        }
    }

    private static long[] append(long[] a, long id) {
        long[] out = a == null ? new long[1] : java.util.Arrays.copyOf(a, a.length + 1);
        out[out.length - 1] = id;
        return out;
    }

}
