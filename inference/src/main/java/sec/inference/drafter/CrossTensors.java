package sec.inference.drafter;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The cross keys, values and encoder mask of the session a drafter fed last, as ONNX tensors.
 * A session is usually fed several tokens in a row (a block, a sync), and each tensor made from a
 * heap array is a copy into native memory (four times the encoder states per step): kept here,
 * the copy is made once per run of steps of one session instead of once per step. One per drafter
 * (not thread-safe, like it); closed when another session is fed and when the drafter closes.
 */
final class CrossTensors implements AutoCloseable {
    private final OrtEnvironment env;
    private final List<String> names;
    private CrossKv of;
    private OnnxTensor[] tensors = new OnnxTensor[0];
    private OnnxTensor mask;

    CrossTensors(OrtEnvironment env, List<String> names) {
        this.env = env;
        this.names = names;
    }

    /** Puts {@code cross}'s tensors and an all-ones encoder_mask into {@code in}, made now only for another session's. */
    void putInto(CrossKv cross, Map<String, OnnxTensor> in) throws OrtException {
        if (cross != of) {
            close();
            OnnxTensor[] made = new OnnxTensor[cross.size() + 1];
            try {
                for (int i = 0; i < cross.size(); i++) {
                    made[i] = OnnxTensor.createTensor(env, FloatBuffer.wrap(cross.tensor(i)), cross.shape(i));
                }
                float[] ones = new float[cross.steps()];
                Arrays.fill(ones, 1f);
                made[cross.size()] = OnnxTensor.createTensor(env, FloatBuffer.wrap(ones), new long[] {1, ones.length});
            } catch (OrtException | RuntimeException e) {
                for (OnnxTensor t : made) {
                    if (t != null) {
                        t.close();
                    }
                }
                throw e;
            }
            tensors = Arrays.copyOf(made, cross.size());
            mask = made[cross.size()];
            of = cross;
        }
        for (int i = 0; i < tensors.length; i++) {
            in.put(names.get(i), tensors[i]);
        }
        in.put("encoder_mask", mask);
    }

    @Override
    public void close() {
        for (OnnxTensor t : tensors) {
            t.close();
        }
        if (mask != null) {
            mask.close();
        }
        tensors = new OnnxTensor[0];
        mask = null;
        of = null;
    }
}
