package sec.inference.decode.verify;

import sec.inference.decode.Decision;
import sec.inference.decode.SpeculativeDecoder;
import sec.inference.verifier.VerifyInput;

/**
 * The edge's way to the verifier: in-process for offline use and evaluation, Kafka in the Flink
 * jobs. Returns the verdict with what the round trip cost.
 */
public interface VerifierLink {
    LinkResult verify(VerifyInput input, SpeculativeDecoder decoder, boolean firstOfUtterance);

    /** A verdict and its cost: verifier compute, emulated network time, bytes each way. */
    record LinkResult(Decision decision, double verifierMs, double networkMs, long uplinkBytes, long downlinkBytes) {}
}
