package sec.inference.decode.offline;

import sec.inference.decode.Provenance;

/**
 * One utterance's caption with its provenance and cost. Times are on the emulated clock: edge
 * compute + verifier compute + emulated network, in the order they happen. {@code drafted} and
 * {@code sent} count the path that made the caption: blocks drafted ahead (pipelined drafting) and
 * then discarded are left out, though their bytes are in {@code uplinkBytes}.
 */
public record CaptionResult(
        String text,
        long[] tokens,
        Provenance[] provenance,
        float[] entropies,
        int drafted,
        int sent,
        int accepted,
        int corrected,
        int rounds,
        long uplinkBytes,
        double ttftMs,
        double totalMs,
        double edgeMs,
        double verifierMs,
        double networkMs) {

    /** ρ = tokens sent to the cloud / tokens drafted. */
    public double rho() {
        return drafted == 0 ? 0 : (double) sent / drafted;
    }
}
