package sec.operators;

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
}
