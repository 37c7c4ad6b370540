package sec.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each benchmark does its work and leaves its state as it found it (so every JMH call measures the same thing). */
class HotPathsTest {
    @Test
    void everyBenchmarkRunsAndRepeatsItself() throws Exception {
        HotPaths b = new HotPaths();
        b.load();
        try {
            assertTrue(b.frontEnd().frames() > 100, "frames of a held-out utterance");
            float[] first = b.decoderStep();
            assertEquals(b.stepBase, b.session.length(), "the step is rolled back");
            assertArrayEquals(first, b.decoderStep(), 1e-5f, "the same step each call");
            double e = b.entropyAndRank();
            assertTrue(e > 0 && e == b.entropyAndRank());
            assertEquals(b.frame, b.avroDecodeFrame());
            assertArrayEquals(b.frameBytes, b.avroEncodeFrame());
        } finally {
            b.close();
        }
    }
}
