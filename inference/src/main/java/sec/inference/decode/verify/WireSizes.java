package sec.inference.decode.verify;

/**
 * Byte counts of the edge-cloud records, for the uplink accounting of evaluation and the
 * emulated link: a request carries ids and entropies of its block (4 bytes each) plus a fixed
 * header (call/utterance ids, block id, epoch, lengths, model ids); the acoustic context goes once
 * per utterance; a verdict is a fixed-size record.
 */
public final class WireSizes {
    public static final int REQUEST_HEADER = 64;
    public static final int VERDICT = 48;

    private WireSizes() {}

    public static long request(int blockLength) {
        return REQUEST_HEADER + 8L * blockLength;
    }

    public static long context(int contextBytes) {
        return REQUEST_HEADER + contextBytes;
    }
}
