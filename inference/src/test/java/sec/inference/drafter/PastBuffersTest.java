package sec.inference.drafter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** The past tensors' native views hold the cache's keys and values, layer by layer, as the cache grows and shrinks. */
class PastBuffersTest {
    private static final int LAYERS = 2;
    private static final int HEADS = 2;
    private static final int HEAD_DIM = 3;

    @Test
    void viewsHoldEachLayersKeysThenValuesAndFollowTheCachesLength() {
        PastBuffers buffers = new PastBuffers();
        KvCache cache = new KvCache(LAYERS, HEADS, HEAD_DIM);
        for (int length : new int[] {1, 4, 9, 2}) { // grows past the first allocation, then shrinks
            fill(cache, length);
            FloatBuffer[] views = buffers.views(cache);
            assertEquals(2 * LAYERS, views.length);
            for (int l = 0; l < LAYERS; l++) {
                assertView(cache.keys(l), views[2 * l]);
                assertView(cache.values(l), views[2 * l + 1]);
            }
        }
    }

    private static void assertView(float[] expected, FloatBuffer view) {
        assertTrue(view.isDirect(), "ONNX Runtime copies a heap buffer");
        assertEquals(ByteOrder.nativeOrder(), view.order());
        assertEquals(0, view.position());
        float[] got = new float[view.remaining()];
        view.duplicate().get(got);
        assertArrayEquals(expected, got);
    }

    /** Distinct values per layer, kind and position, so a view over the wrong slice fails. */
    private static void fill(KvCache cache, int length) {
        int n = HEADS * length * HEAD_DIM;
        float[][] keys = new float[LAYERS][n];
        float[][] values = new float[LAYERS][n];
        for (int l = 0; l < LAYERS; l++) {
            for (int i = 0; i < n; i++) {
                keys[l][i] = 1000 * length + 100 * l + i;
                values[l][i] = -(1000 * length + 100 * l + i);
            }
        }
        cache.replace(keys, values, length);
    }
}
