package sec.inference.audio;

/**
 * Decoded audio: one float array per channel, samples in [-1, 1] (int16 / 32768, as the recipe's
 * {@code read_wav}). The arrays are shared, not copied (audio is large and flows through a stream):
 * callers must not modify them after construction. {@code equals} is reference equality on the
 * arrays, as for any record holding arrays.
 */
public record PcmAudio(int sampleRate, float[][] channels) {

    public PcmAudio {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
        if (channels == null || channels.length == 0) {
            throw new IllegalArgumentException("audio needs at least one channel");
        }
        int n = channels[0].length;
        for (int c = 1; c < channels.length; c++) {
            if (channels[c].length != n) {
                throw new IllegalArgumentException("channel " + c + " has " + channels[c].length
                        + " samples, channel 0 has " + n);
            }
        }
    }

    /** Single-channel audio. */
    public static PcmAudio mono(int sampleRate, float[] samples) {
        return new PcmAudio(sampleRate, new float[][] {samples});
    }

    public int channelCount() {
        return channels.length;
    }

    /** Samples per channel. */
    public int frames() {
        return channels[0].length;
    }

    public double seconds() {
        return frames() / (double) sampleRate;
    }

    public float[] channel(int i) {
        if (i < 0 || i >= channels.length) {
            throw new IndexOutOfBoundsException("channel " + i + " of " + channels.length);
        }
        return channels[i];
    }

    /**
     * The average of all channels (channel 0 itself when there is only one). Note that the recipe
     * computes its features on channel 0, not on the average: use {@code channel(0)} for parity.
     */
    public float[] mono() {
        if (channels.length == 1) {
            return channels[0];
        }
        int n = frames();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (float[] ch : channels) {
                sum += ch[i];
            }
            out[i] = (float) (sum / channels.length);
        }
        return out;
    }

    @Override
    public String toString() {
        return "PcmAudio[" + sampleRate + " Hz, " + channels.length + " ch, " + frames() + " frames]";
    }
}
