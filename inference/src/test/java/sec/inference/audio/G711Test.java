package sec.inference.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class G711Test {

    /** Tables from the recipe's audio.py (mu-law) and Python's audioop (A-law); see make_fixtures.py. */
    private static JsonNode python;

    @BeforeAll
    static void load() throws IOException {
        python = new ObjectMapper().readTree(TestFiles.resource("g711.json").toFile());
    }

    @Test
    void muLawKnownValues() {
        assertEquals(0, G711.mulawToLinear(0xFF));
        assertEquals(0, G711.mulawToLinear(0x7F));
        assertEquals(32124, G711.mulawToLinear(0x80));
        assertEquals(-32124, G711.mulawToLinear(0x00));
        assertEquals(-32124, G711.mulawToLinear((byte) 0x00));
        assertEquals(32124, G711.mulawToLinear((byte) 0x80)); // negative Java byte, same bits
    }

    @Test
    void aLawKnownValues() {
        assertEquals(8, G711.alawToLinear(0xD5));
        assertEquals(-8, G711.alawToLinear(0x55));
        assertEquals(32256, G711.alawToLinear(0xAA));
        assertEquals(-32256, G711.alawToLinear(0x2A));
    }

    @Test
    void decodeTablesMatchPython() {
        JsonNode mu = python.get("mulaw_decode");
        JsonNode a = python.get("alaw_decode");
        assertEquals(256, mu.size());
        for (int b = 0; b < 256; b++) {
            assertEquals(mu.get(b).asInt(), G711.mulawToLinear(b), "mu-law byte " + b);
            assertEquals(a.get(b).asInt(), G711.alawToLinear(b), "A-law byte " + b);
        }
    }

    @Test
    void encodersMatchPython() {
        JsonNode in = python.get("encode_inputs");
        JsonNode mu = python.get("mulaw_encode");
        JsonNode a = python.get("alaw_encode");
        assertTrue(in.size() > 2000);
        for (int i = 0; i < in.size(); i++) {
            int x = in.get(i).asInt();
            assertEquals(mu.get(i).asInt(), G711.linearToMulaw(x) & 0xFF, "mu-law encode " + x);
            assertEquals(a.get(i).asInt(), G711.linearToAlaw(x) & 0xFF, "A-law encode " + x);
        }
    }

    @Test
    void muLawRoundTripWithinHalfAStep() {
        for (int x = -32768; x <= 32767; x++) {
            int y = G711.mulawToLinear(G711.linearToMulaw(x));
            // quantisation step in a segment is 1/16 of the biased magnitude: error at most half of it
            double bound = (Math.min(Math.abs(x), 32635) + 132) / 32.0 + Math.max(0, Math.abs(x) - 32635);
            assertTrue(Math.abs(y - x) <= bound, x + " -> " + y);
        }
        // every code decodes to a value that encodes back to the same code (except -0 -> +0)
        for (int b = 0; b < 256; b++) {
            if (b == 0x7F) {
                continue;
            }
            assertEquals(b, G711.linearToMulaw(G711.mulawToLinear(b)) & 0xFF, "code " + b);
        }
    }

    @Test
    void aLawRoundTripWithinHalfAStep() {
        for (int x = -32768; x <= 32767; x++) {
            int y = G711.alawToLinear(G711.linearToAlaw(x));
            double bound = Math.max(8, Math.abs(x) / 32.0) + 8; // half a step plus the >>3 truncation
            assertTrue(Math.abs(y - x) <= bound, x + " -> " + y);
        }
        for (int b = 0; b < 256; b++) {
            assertEquals(b, G711.linearToAlaw(G711.alawToLinear(b)) & 0xFF, "code " + b);
        }
    }

    @Test
    void arrayHelpersAgreeWithScalarOnes() {
        short[] pcm = {0, 1, -1, 1000, -1000, 32767, -32768};
        byte[] mu = G711.linearToMulaw(pcm);
        byte[] al = G711.linearToAlaw(pcm);
        short[] muBack = G711.mulawToLinear(mu);
        short[] alBack = G711.alawToLinear(al);
        for (int i = 0; i < pcm.length; i++) {
            assertEquals(G711.linearToMulaw(pcm[i]), mu[i]);
            assertEquals(G711.mulawToLinear(mu[i]), muBack[i]);
            assertEquals(G711.alawToLinear(al[i]), alBack[i]);
        }
        assertArrayEquals(new short[0], G711.mulawToLinear(new byte[0]));
    }
}
