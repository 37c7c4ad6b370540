package sec.inference.audio;

/**
 * Raw payload bytes to float samples in [-1, 1] (int16 / 32768, exact in float). Used by the WAV
 * reader and by the streaming pipeline, which receives headerless frames.
 */
public final class PcmCodec {

    private static final float SCALE = 1.0f / 32768.0f;

    private PcmCodec() {
    }

    /** Decodes a whole payload of interleaved samples (one channel: plain samples). */
    public static float[] decode(byte[] payload, AudioEncoding encoding) {
        return decode(payload, 0, payload.length, encoding, "frame");
    }

    /**
     * Decodes {@code length} bytes from {@code offset}. A PCM16 payload of odd length is an error
     * (a half sample means the frame was cut or misaligned).
     */
    public static float[] decode(byte[] payload, int offset, int length, AudioEncoding encoding, String source) {
        if (offset < 0 || length < 0 || offset + length > payload.length) {
            throw new InvalidAudioException(source, "payload range " + offset + "+" + length
                    + " outside " + payload.length + " bytes");
        }
        if (length % encoding.bytesPerSample() != 0) {
            throw new InvalidAudioException(source, encoding + " payload of " + length
                    + " bytes is not a whole number of " + encoding.bytesPerSample() + "-byte samples");
        }
        float[] out = new float[length / encoding.bytesPerSample()];
        switch (encoding) {
            case PCM16LE -> {
                for (int i = 0, p = offset; i < out.length; i++, p += 2) {
                    short s = (short) ((payload[p] & 0xFF) | (payload[p + 1] << 8));
                    out[i] = s * SCALE;
                }
            }
            case MULAW -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = G711.mulawToLinear(payload[offset + i]) * SCALE;
                }
            }
            case ALAW -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = G711.alawToLinear(payload[offset + i]) * SCALE;
                }
            }
            default -> throw new IllegalStateException("unhandled encoding " + encoding);
        }
        return out;
    }

    /**
     * Decodes interleaved samples into one array per channel. The byte count must be a whole number
     * of sample frames (one sample of every channel).
     */
    public static float[][] decodeInterleaved(byte[] payload, int offset, int length, AudioEncoding encoding,
                                              int channels, String source) {
        if (channels <= 0) {
            throw new InvalidAudioException(source, "channel count " + channels);
        }
        int block = channels * encoding.bytesPerSample();
        if (length % block != 0) {
            throw new InvalidAudioException(source, encoding + " payload of " + length
                    + " bytes is not a whole number of " + block + "-byte sample frames (" + channels
                    + " channels)");
        }
        float[] flat = decode(payload, offset, length, encoding, source);
        if (channels == 1) {
            return new float[][] {flat};
        }
        int frames = flat.length / channels;
        float[][] out = new float[channels][frames];
        for (int i = 0, p = 0; i < frames; i++) {
            for (int c = 0; c < channels; c++) {
                out[c][i] = flat[p++];
            }
        }
        return out;
    }

    /** Float samples back to int16, rounded and clipped (for producers and tests). */
    public static short[] toPcm16(float[] samples) {
        short[] out = new short[samples.length];
        for (int i = 0; i < samples.length; i++) {
            long v = Math.round(samples[i] * 32768.0);
            out[i] = (short) Math.max(-32768, Math.min(32767, v));
        }
        return out;
    }

    /** Float samples to PCM16LE bytes, rounded and clipped. */
    public static byte[] encodePcm16(float[] samples) {
        short[] s = toPcm16(samples);
        byte[] out = new byte[s.length * 2];
        for (int i = 0; i < s.length; i++) {
            out[2 * i] = (byte) s[i];
            out[2 * i + 1] = (byte) (s[i] >> 8);
        }
        return out;
    }
}
