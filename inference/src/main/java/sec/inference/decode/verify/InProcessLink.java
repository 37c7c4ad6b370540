package sec.inference.decode.verify;

import java.util.List;
import sec.inference.decode.Decision;
import sec.inference.decode.SpeculativeDecoder;
import sec.inference.verifier.Verifier;
import sec.inference.verifier.VerifyInput;

/** Calls the verifier directly (batch of one); no network cost. */
public final class InProcessLink implements VerifierLink {
    private final Verifier verifier;

    public InProcessLink(Verifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public LinkResult verify(VerifyInput input, SpeculativeDecoder decoder, boolean firstOfUtterance) {
        long t0 = System.nanoTime();
        float[][] rows = verifier.score(List.of(input)).get(0);
        Decision d = decoder.decide(rows);
        double ms = (System.nanoTime() - t0) / 1e6;
        long up = WireSizes.request(input.blockLength())
                + (firstOfUtterance ? WireSizes.context(input.context().length) : 0);
        return new LinkResult(d, ms, 0, up, WireSizes.VERDICT);
    }
}
