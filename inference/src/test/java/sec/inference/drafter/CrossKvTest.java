package sec.inference.drafter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** A batch lays each utterance's cross keys and values out along the steps axis, wherever that axis is, zeros after. */
class CrossKvTest {
    /** Value i of a batch-1 tensor: 1, 2, 3, ... so a misplaced copy shows. */
    private static float[] counting(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i + 1;
        }
        return a;
    }

    @Test
    void keysWithStepsLastArePaddedAtTheEndOfEveryRowOfSteps() {
        // [1][heads 2][headDim 2][steps 3], padded to 4 steps in row 1 of a 2-row batch
        CrossKv kv = new CrossKv(new float[][] {counting(12)}, new long[][] {{1, 2, 2, 3}}, new int[] {3}, 3);
        assertArrayEquals(new long[] {2, 2, 2, 4}, kv.batchShape(0, 2, 4));
        FloatBuffer batch = FloatBuffer.allocate(2 * 2 * 2 * 4);
        kv.copyInto(0, batch, 1, 4);
        float[] want = new float[32];
        float[] row1 = {1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 10, 11, 12, 0};
        System.arraycopy(row1, 0, want, 16, 16);
        assertArrayEquals(want, batch.array());
    }

    @Test
    void valuesWithStepsBeforeHeadDimArePaddedPerHead() {
        // [1][heads 2][steps 2][headDim 3], padded to 3 steps in row 0
        CrossKv kv = new CrossKv(new float[][] {counting(12)}, new long[][] {{1, 2, 2, 3}}, new int[] {2}, 2);
        assertArrayEquals(new long[] {1, 2, 3, 3}, kv.batchShape(0, 1, 3));
        FloatBuffer batch = FloatBuffer.allocate(18);
        kv.copyInto(0, batch, 0, 3);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 0, 0, 0, 7, 8, 9, 10, 11, 12, 0, 0, 0}, batch.array());
    }

    @Test
    void itsBytesAreEveryTensorsFloats() {
        CrossKv kv = new CrossKv(new float[][] {counting(12), counting(6)}, new long[][] {{1, 2, 2, 3}, {1, 2, 3, 1}},
                new int[] {3, 2}, 3);
        org.junit.jupiter.api.Assertions.assertEquals(4L * 18, kv.bytes());
    }

    @Test
    void aTensorOfAnotherUtteranceLengthIsRefused() {
        assertThrows(IllegalStateException.class,
                () -> new CrossKv(new float[][] {counting(12)}, new long[][] {{1, 2, 2, 3}}, new int[] {3}, 4));
        assertThrows(IllegalStateException.class,
                () -> new CrossKv(new float[][] {counting(10)}, new long[][] {{1, 2, 2, 3}}, new int[] {3}, 3));
    }
}
