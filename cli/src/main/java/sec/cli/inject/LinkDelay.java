package sec.cli.inject;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import sec.schemas.VerifyRequest;

/**
 * An emulated edge–cloud link: every verification request reaches the verifier one round-trip time
 * late (the verdict's way back is folded in), without holding up the requests behind it.
 */
public final class LinkDelay extends RichAsyncFunction<VerifyRequest, VerifyRequest> {
    private final long rttMs;
    private transient ScheduledExecutorService timer;

    public LinkDelay(long rttMs) {
        this.rttMs = rttMs;
    }

    @Override
    public void open(OpenContext ctx) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "link-delay");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void asyncInvoke(VerifyRequest r, ResultFuture<VerifyRequest> out) {
        timer.schedule(() -> out.complete(List.of(r)), rttMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
