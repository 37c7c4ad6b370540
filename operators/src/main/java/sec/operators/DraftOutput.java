package sec.operators;

import sec.schemas.AcousticContext;
import sec.schemas.EmotionCaption;
import sec.schemas.VerifyRequest;

/** Where {@link CallDrafting} sends the drafter operator's records and deadline timers: the operator's outputs. */
interface DraftOutput {
    long now();

    void context(AcousticContext c);

    void request(VerifyRequest r);

    void partial(EmotionCaption c);

    void caption(EmotionCaption c);

    void registerDeadline(long timestampMs);

    void deleteDeadline(long timestampMs);
}
