package sec.inference.decode.verify;

import sec.inference.decode.SpeculativeDecoder;
import sec.inference.verifier.VerifyInput;

/**
 * Adds an emulated edge-cloud network to another link: one round-trip time per verification plus
 * serialisation of the bytes each way at the given bandwidths. Time is accounted, not slept, so
 * evaluation runs at compute speed and its figures do not depend on the machine's load.
 */
public final class EmulatedLink implements VerifierLink {
    private final VerifierLink inner;
    private final double rttMs;
    private final double uplinkMbps;
    private final double downlinkMbps;

    public EmulatedLink(VerifierLink inner, double rttMs, double uplinkMbps, double downlinkMbps) {
        if (rttMs < 0 || uplinkMbps <= 0 || downlinkMbps <= 0) {
            throw new IllegalArgumentException("link needs rtt >= 0 and bandwidths > 0");
        }
        this.inner = inner;
        this.rttMs = rttMs;
        this.uplinkMbps = uplinkMbps;
        this.downlinkMbps = downlinkMbps;
    }

    private static double transferMs(long bytes, double mbps) {
        return bytes * 8.0 / (mbps * 1000.0);
    }

    /** One round trip carrying {@code up} bytes to the cloud and {@code down} bytes back. */
    public double networkMs(long up, long down) {
        return rttMs + transferMs(up, uplinkMbps) + transferMs(down, downlinkMbps);
    }

    @Override
    public LinkResult verify(VerifyInput input, SpeculativeDecoder decoder, boolean firstOfUtterance) {
        LinkResult r = inner.verify(input, decoder, firstOfUtterance);
        double net = networkMs(r.uplinkBytes(), r.downlinkBytes());
        return new LinkResult(r.decision(), r.verifierMs(), r.networkMs() + net, r.uplinkBytes(), r.downlinkBytes());
    }
}
