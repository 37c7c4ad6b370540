package sec.inference.audio;

/** Sample encodings the front end decodes: what WAV files and streamed frames may carry. */
public enum AudioEncoding {
    /** Signed 16-bit little-endian linear PCM. */
    PCM16LE(2),
    /** ITU-T G.711 mu-law, one byte per sample. */
    MULAW(1),
    /** ITU-T G.711 A-law, one byte per sample. */
    ALAW(1);

    private final int bytesPerSample;

    AudioEncoding(int bytesPerSample) {
        this.bytesPerSample = bytesPerSample;
    }

    public int bytesPerSample() {
        return bytesPerSample;
    }
}
