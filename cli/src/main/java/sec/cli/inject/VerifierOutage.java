package sec.cli.inject;

import org.apache.flink.api.common.functions.FilterFunction;
import sec.schemas.VerifyRequest;

/**
 * The cloud unreachable for a wall-clock window: verification requests arriving in it are lost, as
 * they would be with the verifier down. The edge must notice only by its verdict deadline.
 */
public final class VerifierOutage implements FilterFunction<VerifyRequest> {
    private final long fromMs;
    private final long untilMs;

    public VerifierOutage(long fromMs, long untilMs) {
        this.fromMs = fromMs;
        this.untilMs = untilMs;
    }

    @Override
    public boolean filter(VerifyRequest r) {
        long now = System.currentTimeMillis();
        return now < fromMs || now >= untilMs;
    }
}
