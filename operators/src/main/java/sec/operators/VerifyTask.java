package sec.operators;

import sec.inference.decode.verify.VerificationService;
import sec.schemas.ModelRollout;
import sec.schemas.VerifyRequest;

/**
 * A verification request joined with its utterance's acoustic context (cloud side), or a control
 * element: a model roll-out for the verifier ({@code request} null), see {@link RolloutRouter}.
 */
public class VerifyTask {
    public VerifyRequest request;
    public byte[] context;
    public int contextSteps;
    public ModelRollout rollout;
    /** A roll-out replayed from state after a restore: loaded before the next request is served. */
    public boolean replay;

    public VerifyTask() {}

    public VerifyTask(VerifyRequest request, byte[] context, int contextSteps) {
        this.request = request;
        this.context = context;
        this.contextSteps = contextSteps;
    }

    static VerifyTask control(ModelRollout rollout, boolean replay) {
        VerifyTask t = new VerifyTask();
        t.rollout = rollout;
        t.replay = replay;
        return t;
    }

    /** The inference core's view of this task. */
    public VerificationService.Task serviceTask() {
        return new VerificationService.Task(context, contextSteps, request.getLanguage(),
                request.getPrefixTokens().stream().mapToLong(Integer::longValue).toArray(),
                request.getDraftTokens().stream().mapToLong(Integer::longValue).toArray());
    }
}
