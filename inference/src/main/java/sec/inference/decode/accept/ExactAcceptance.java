package sec.inference.decode.accept;

import sec.inference.decode.Decision;
import sec.inference.decode.DraftBlock;
import sec.inference.decode.Logits;

/** Lossless greedy: a drafted token passes only when it is the verifier's own argmax. */
public final class ExactAcceptance implements AcceptancePolicy {
    @Override
    public Decision decide(DraftBlock block, float[][] rows, boolean bonus) {
        return AcceptancePolicy.greedyCorrection(block, rows, bonus, (logits, t) -> Logits.argmax(logits) == t);
    }
}
