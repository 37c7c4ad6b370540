package sec.inference.audio;

/**
 * ITU-T G.711 companding. Decoding uses 256-entry tables built once from the standard bit
 * formulas; mu-law decoding and encoding match the recipe's {@code audio.mulaw_decode} and
 * {@code audio.mulaw_encode} bit for bit (the features are computed on the decoded samples, so any
 * difference here would move every log-mel value).
 */
public final class G711 {

    private static final short[] MULAW_TO_LINEAR = new short[256];
    private static final short[] ALAW_TO_LINEAR = new short[256];

    static {
        for (int b = 0; b < 256; b++) {
            MULAW_TO_LINEAR[b] = mulawFormula(b);
            ALAW_TO_LINEAR[b] = alawFormula(b);
        }
    }

    private G711() {
    }

    /** mu-law byte (any int; the low 8 bits are used) to a 16-bit linear sample. */
    public static short mulawToLinear(int b) {
        return MULAW_TO_LINEAR[b & 0xFF];
    }

    /** A-law byte (any int; the low 8 bits are used) to a 16-bit linear sample. */
    public static short alawToLinear(int b) {
        return ALAW_TO_LINEAR[b & 0xFF];
    }

    /** The recipe's formula: complemented byte, bias 0x84 (132). */
    private static short mulawFormula(int b) {
        int u = ~b & 0xFF;
        int exponent = (u >> 4) & 0x07;
        int mantissa = u & 0x0F;
        int mag = (((mantissa << 3) + 0x84) << exponent) - 0x84;
        return (short) ((u & 0x80) != 0 ? -mag : mag);
    }

    /** The standard alaw2linear: even bits inverted (xor 0x55), sign bit set means positive. */
    private static short alawFormula(int b) {
        int a = (b ^ 0x55) & 0xFF;
        int t = (a & 0x0F) << 4;
        int seg = (a >> 4) & 0x07;
        if (seg == 0) {
            t += 8;
        } else {
            t = (t + 0x108) << (seg - 1);
        }
        return (short) ((a & 0x80) != 0 ? t : -t);
    }

    /**
     * 16-bit linear sample (values outside the int16 range are clipped) to mu-law, exactly as the
     * recipe's {@code mulaw_encode}: magnitude clipped to 32635, bias 0x84, exponent from the
     * highest set bit.
     */
    public static byte linearToMulaw(int sample) {
        int x = Math.max(-32768, Math.min(32767, sample));
        int sign = x < 0 ? 0x80 : 0x00;
        int mag = Math.min(Math.abs(x), 32635) + 0x84;
        // floor(log2(mag)) - 7, clipped to [0, 7]; mag is in [132, 32767] so the clip never bites
        int exponent = Math.max(0, Math.min(7, 31 - Integer.numberOfLeadingZeros(mag) - 7));
        int mantissa = (mag >> (exponent + 3)) & 0x0F;
        return (byte) (~(sign | (exponent << 4) | mantissa) & 0xFF);
    }

    /** Segment ends of the standard linear2alaw (on the sample shifted right by 3). */
    private static final int[] ALAW_SEG_END = {0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF};

    /** 16-bit linear sample (clipped to int16) to A-law: the standard linear2alaw. */
    public static byte linearToAlaw(int sample) {
        int pcm = Math.max(-32768, Math.min(32767, sample)) >> 3;
        int mask;
        if (pcm >= 0) {
            mask = 0xD5;
        } else {
            mask = 0x55;
            pcm = -pcm - 1;
        }
        int seg = 0;
        while (seg < 8 && pcm > ALAW_SEG_END[seg]) {
            seg++;
        }
        if (seg >= 8) {
            return (byte) (0x7F ^ mask);
        }
        int aval = seg << 4;
        aval |= (seg < 2 ? pcm >> 1 : pcm >> seg) & 0x0F;
        return (byte) (aval ^ mask);
    }

    public static short[] mulawToLinear(byte[] encoded) {
        short[] out = new short[encoded.length];
        for (int i = 0; i < encoded.length; i++) {
            out[i] = MULAW_TO_LINEAR[encoded[i] & 0xFF];
        }
        return out;
    }

    public static short[] alawToLinear(byte[] encoded) {
        short[] out = new short[encoded.length];
        for (int i = 0; i < encoded.length; i++) {
            out[i] = ALAW_TO_LINEAR[encoded[i] & 0xFF];
        }
        return out;
    }

    public static byte[] linearToMulaw(short[] samples) {
        byte[] out = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = linearToMulaw(samples[i]);
        }
        return out;
    }

    public static byte[] linearToAlaw(short[] samples) {
        byte[] out = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = linearToAlaw(samples[i]);
        }
        return out;
    }
}
