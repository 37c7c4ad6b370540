package sec.inference.decode.verify;

import java.util.ArrayList;
import java.util.List;
import sec.inference.decode.Decision;
import sec.inference.decode.DraftBlock;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.accept.AcceptancePolicy;
import sec.inference.model.ModelManifest;
import sec.inference.verifier.Verifier;
import sec.inference.verifier.VerifyInput;

/**
 * The cloud's side of a verification: rebuilds prompt + prefix + block for each request, scores a
 * batch in one forward pass and applies the acceptance policy. Speculative sampling is refused:
 * it needs the drafter's full distributions, which the wire record does not carry.
 */
public final class VerificationService {
    private final Verifier verifier;
    private final ModelManifest manifest;
    private final AcceptancePolicy acceptance;
    private final boolean bonus;

    /** One request as the cloud sees it: the utterance's context, the committed prefix and the block. */
    public record Task(byte[] context, int contextSteps, String language, long[] prefix, long[] draft) {}

    public VerificationService(Verifier verifier, ModelManifest manifest, SpeculationConfig config) {
        if (config.acceptance() == SpeculationConfig.Acceptance.SAMPLING) {
            throw new IllegalArgumentException("speculative sampling cannot be verified remotely: "
                    + "requests carry token ids, not the drafter's distributions");
        }
        this.verifier = verifier;
        this.manifest = manifest;
        this.acceptance = config.acceptancePolicy();
        this.bonus = config.bonusToken();
    }

    public List<Decision> verify(List<Task> tasks) {
        List<VerifyInput> inputs = new ArrayList<>(tasks.size());
        for (Task t : tasks) {
            long[] prompt = manifest.prompt(t.language());
            long[] tokens = new long[prompt.length + t.prefix().length + t.draft().length];
            System.arraycopy(prompt, 0, tokens, 0, prompt.length);
            System.arraycopy(t.prefix(), 0, tokens, prompt.length, t.prefix().length);
            System.arraycopy(t.draft(), 0, tokens, prompt.length + t.prefix().length, t.draft().length);
            inputs.add(new VerifyInput(t.context(), t.contextSteps(), tokens, prompt.length + t.prefix().length));
        }
        List<float[][]> rows = verifier.score(inputs);
        List<Decision> out = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            long[] draft = tasks.get(i).draft();
            out.add(acceptance.decide(new DraftBlock(draft, new float[draft.length], null), rows.get(i), bonus));
        }
        return out;
    }
}
