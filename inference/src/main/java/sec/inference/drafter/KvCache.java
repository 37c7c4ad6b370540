package sec.inference.drafter;

/**
 * The drafter decoder's past keys and values for one utterance, per layer laid out [heads][length][headDim]
 * exactly as ONNX Runtime returns the present tensors (batch 1). Rolling back keeps a prefix of every head.
 */
public final class KvCache {
    private final int heads;
    private final int headDim;
    private float[][] keys;
    private float[][] values;
    private int length;

    public KvCache(int layers, int heads, int headDim) {
        this.heads = heads;
        this.headDim = headDim;
        this.keys = new float[layers][0];
        this.values = new float[layers][0];
    }

    public int length() {
        return length;
    }

    public int layers() {
        return keys.length;
    }

    public int heads() {
        return heads;
    }

    public int headDim() {
        return headDim;
    }

    public float[] keys(int layer) {
        return keys[layer];
    }

    public float[] values(int layer) {
        return values[layer];
    }

    /** Replaces the cache with the decoder's present tensors of {@code newLength} positions. */
    void replace(float[][] newKeys, float[][] newValues, int newLength) {
        for (int l = 0; l < newKeys.length; l++) {
            if (newKeys[l].length != heads * newLength * headDim) {
                throw new IllegalStateException("present_key_" + l + " has " + newKeys[l].length
                        + " values, expected " + heads * newLength * headDim);
            }
        }
        keys = newKeys;
        values = newValues;
        length = newLength;
    }

    /** Keeps the first {@code newLength} positions (rollback), without re-running the prefix. */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a cache of " + length + " to " + newLength);
        }
        if (newLength == length) {
            return;
        }
        for (int l = 0; l < keys.length; l++) {
            keys[l] = prefix(keys[l], newLength);
            values[l] = prefix(values[l], newLength);
        }
        length = newLength;
    }

    private float[] prefix(float[] src, int newLength) {
        float[] out = new float[heads * newLength * headDim];
        for (int h = 0; h < heads; h++) {
            System.arraycopy(src, h * length * headDim, out, h * newLength * headDim, newLength * headDim);
        }
        return out;
    }

    /** Bytes held, for state-size metrics. */
    public long bytes() {
        long n = 0;
        for (int l = 0; l < keys.length; l++) {
            n += 4L * (keys[l].length + values[l].length);
        }
        return n;
    }
}
