package sec.operators;

import sec.schemas.EmotionCaption;
import sec.schemas.VerifyRequest;

/**
 * Where the drafter's records and deadline timers go: the function's own context while it handles a
 * record, or the batching operator's outputs when it drafts several calls together
 * ({@link BatchingDrafterOperator}).
 */
interface DraftOutput {
    long now();

    void request(VerifyRequest r);

    void partial(EmotionCaption c);

    void caption(EmotionCaption c);

    void registerDeadline(long timestampMs);

    void deleteDeadline(long timestampMs);
}
