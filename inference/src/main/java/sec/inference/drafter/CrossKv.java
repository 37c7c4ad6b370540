package sec.inference.drafter;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import sec.inference.model.ModelException;
import sec.inference.model.ModelManifest;

/**
 * One utterance's cross-attention keys and values, as cross_kv.onnx projects them from the encoder
 * states (batch 1, manifest order, e.g. keys [1][heads][headDim][steps], values [1][heads][steps][headDim]).
 * They depend on the audio alone, so they are computed once per utterance instead of in every
 * decoder step. Derived data: never checkpointed, recomputed from the encoder states after a restore.
 */
final class CrossKv {
    private final float[][] tensors;
    private final long[][] shapes;
    /** Per tensor, the axis that runs over the encoder steps (the one a batch pads). */
    private final int[] stepsAxis;
    private final int steps;

    CrossKv(float[][] tensors, long[][] shapes, int[] stepsAxis, int steps) {
        for (int i = 0; i < tensors.length; i++) {
            long n = 1;
            for (long d : shapes[i]) {
                n *= d;
            }
            if (n != tensors[i].length || shapes[i][0] != 1 || shapes[i][stepsAxis[i]] != steps) {
                throw new IllegalStateException("cross tensor " + i + " of shape " + Arrays.toString(shapes[i])
                        + " is not one utterance of " + steps + " steps");
            }
        }
        this.tensors = tensors;
        this.shapes = shapes;
        this.stepsAxis = stepsAxis;
        this.steps = steps;
    }

    /** Heap bytes of the projected keys and values. */
    long bytes() {
        long n = 0;
        for (float[] t : tensors) {
            n += 4L * t.length;
        }
        return n;
    }

    /**
     * Per cross input, its axis over the encoder steps: the one dynamic axis after the batch in the
     * decoder's input. cross_kv.onnx must output exactly the shape the decoder takes.
     */
    static int[] stepsAxes(ModelManifest.DrafterSpec spec, OrtSession crossKv, OrtSession decoder) throws OrtException {
        List<String> names = spec.crossInputs();
        Map<String, NodeInfo> made = crossKv.getOutputInfo();
        Map<String, NodeInfo> taken = decoder.getInputInfo();
        int[] axes = new int[names.size()];
        for (int i = 0; i < axes.length; i++) {
            String name = names.get(i);
            long[] want = shape(taken.get(name));
            long[] got = shape(made.get(name));
            if (!Arrays.equals(want, got)) {
                throw new ModelException(spec.crossKv() + ": " + name + " has shape " + Arrays.toString(got) + ", "
                        + spec.decoder().getFileName() + " takes " + Arrays.toString(want));
            }
            axes[i] = -1;
            for (int a = 1; a < want.length; a++) {
                if (want[a] < 0) {
                    if (axes[i] >= 0) {
                        axes[i] = -1;
                        break;
                    }
                    axes[i] = a;
                }
            }
            if (want.length < 2 || want[0] >= 0 || axes[i] < 0) {
                throw new ModelException(spec.decoder() + ": " + name + " " + Arrays.toString(want)
                        + " is not [batch, ...] with one dynamic steps axis");
            }
        }
        return axes;
    }

    private static long[] shape(NodeInfo node) {
        return node.getInfo() instanceof TensorInfo t ? t.getShape() : new long[0];
    }

    int size() {
        return tensors.length;
    }

    int steps() {
        return steps;
    }

    float[] tensor(int i) {
        return tensors[i];
    }

    long[] shape(int i) {
        return shapes[i].clone();
    }

    /** Tensor i's shape for a batch of {@code rows} utterances padded to {@code stepsMax} steps. */
    long[] batchShape(int i, int rows, int stepsMax) {
        long[] s = shape(i);
        s[0] = rows;
        s[stepsAxis[i]] = stepsMax;
        return s;
    }

    /**
     * Copies tensor i into row {@code row} of a batch tensor laid out by {@link #batchShape}; the
     * steps after this utterance's own stay as they are (zeros, masked by encoder_mask).
     */
    void copyInto(int i, FloatBuffer batch, int row, int stepsMax) {
        long[] s = shapes[i];
        int inner = 1; // floats per step: everything after the steps axis
        for (int a = stepsAxis[i] + 1; a < s.length; a++) {
            inner *= (int) s[a];
        }
        int outer = tensors[i].length / (steps * inner); // blocks before the steps axis (batch 1)
        int block = steps * inner;
        int base = row * outer * stepsMax * inner;
        for (int o = 0; o < outer; o++) {
            batch.put(base + o * stepsMax * inner, tensors[i], o * block, block);
        }
    }
}
