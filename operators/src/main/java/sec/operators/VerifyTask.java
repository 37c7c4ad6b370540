package sec.operators;

import sec.inference.decode.verify.VerificationService;
import sec.schemas.VerifyRequest;

/** A verification request joined with its utterance's acoustic context (cloud side). */
public class VerifyTask {
    public VerifyRequest request;
    public byte[] context;
    public int contextSteps;

    public VerifyTask() {}

    public VerifyTask(VerifyRequest request, byte[] context, int contextSteps) {
        this.request = request;
        this.context = context;
        this.contextSteps = contextSteps;
    }

    /** The inference core's view of this task. */
    public VerificationService.Task serviceTask() {
        return new VerificationService.Task(context, contextSteps, request.getLanguage(),
                request.getPrefixTokens().stream().mapToLong(Integer::longValue).toArray(),
                request.getDraftTokens().stream().mapToLong(Integer::longValue).toArray());
    }
}
