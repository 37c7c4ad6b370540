package sec.inference.drafter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Native memory the decoder's past keys and values are copied into for one step, kept across steps.
 * ONNX Runtime copies a heap buffer into a direct buffer it allocates for every tensor made from it
 * (the whole KV cache, every step); a direct buffer is used as it is, so the copy goes here instead
 * and the allocation is made once per drafter, grown when an utterance's cache outgrows it.
 * The tensors made over these views must be closed before the next {@link #views}; one per drafter
 * (not thread-safe, like it).
 */
final class PastBuffers {
    private ByteBuffer memory = ByteBuffer.allocateDirect(0);

    /** Layer l's keys at [2l] and values at [2l + 1], each a view holding a copy of the cache's. */
    FloatBuffer[] views(KvCache cache) {
        int layerFloats = cache.heads() * cache.length() * cache.headDim();
        int floats = 2 * cache.layers() * layerFloats;
        if (memory.capacity() < 4L * floats) {
            memory = ByteBuffer.allocateDirect(Math.max(4 * floats, 2 * memory.capacity())); // each view sets its own order
        }
        FloatBuffer[] out = new FloatBuffer[2 * cache.layers()];
        for (int l = 0; l < cache.layers(); l++) {
            out[2 * l] = view(2 * l, layerFloats).put(cache.keys(l)).flip();
            out[2 * l + 1] = view(2 * l + 1, layerFloats).put(cache.values(l)).flip();
        }
        return out;
    }

    private FloatBuffer view(int index, int floats) {
        return memory.slice(4 * index * floats, 4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
