package sec.operators;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import sec.schemas.RolloutStatus;
import sec.schemas.Verdict;

/** What the verifier emits: a verdict, or a decision about a roll-out (exactly one of the two is set). */
public class CloudOutput {
    public static final OutputTag<RolloutStatus> STATUS = new OutputTag<>("rollout-status") {};

    public Verdict verdict;
    public RolloutStatus status;

    public CloudOutput() {}

    static CloudOutput of(Verdict v) {
        CloudOutput o = new CloudOutput();
        o.verdict = v;
        return o;
    }

    static CloudOutput of(RolloutStatus s) {
        CloudOutput o = new CloudOutput();
        o.status = s;
        return o;
    }

    /** Verdicts on, decisions to {@link #STATUS}. */
    public static class Split extends ProcessFunction<CloudOutput, Verdict> {
        @Override
        public void processElement(CloudOutput o, Context ctx, Collector<Verdict> out) {
            if (o.verdict != null) {
                out.collect(o.verdict);
            } else {
                ctx.output(STATUS, o.status);
            }
        }
    }
}
