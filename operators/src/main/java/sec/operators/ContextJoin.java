package sec.operators;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import sec.schemas.AcousticContext;
import sec.schemas.VerifyRequest;

/**
 * Cloud side, keyed by call: keeps each utterance's acoustic context and joins every verification
 * request of that utterance with it. A request that arrives before its context waits (at most
 * {@code maxWaiting} per utterance). Contexts and waiting requests expire {@code ttlMs} after the
 * context (or the first waiting request) arrived, so abandoned utterances leave no state behind.
 */
public class ContextJoin extends KeyedCoProcessFunction<String, AcousticContext, VerifyRequest, VerifyTask> {
    private final long ttlMs;
    private final int maxWaiting;
    private transient MapState<String, AcousticContext> contexts;
    private transient MapState<String, List<VerifyRequest>> waiting;
    private transient MapState<String, Long> expiry;

    public ContextJoin(long ttlMs, int maxWaiting) {
        this.ttlMs = ttlMs;
        this.maxWaiting = maxWaiting;
    }

    @Override
    public void open(OpenContext ctx) {
        contexts = getRuntimeContext().getMapState(new MapStateDescriptor<>("utterance-contexts",
                TypeInformation.of(String.class), TypeInformation.of(AcousticContext.class)));
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting-requests",
                TypeInformation.of(String.class), TypeInformation.of(new TypeHint<List<VerifyRequest>>() {})));
        expiry = getRuntimeContext().getMapState(new MapStateDescriptor<>("utterance-expiry",
                TypeInformation.of(String.class), TypeInformation.of(Long.class)));
    }

    @Override
    public void processElement1(AcousticContext c, Context ctx, Collector<VerifyTask> out) throws Exception {
        contexts.put(c.getUtteranceId(), c);
        expire(c.getUtteranceId(), ctx);
        List<VerifyRequest> early = waiting.get(c.getUtteranceId());
        if (early != null) {
            for (VerifyRequest r : early) {
                out.collect(task(r, c));
            }
            waiting.remove(c.getUtteranceId());
        }
    }

    @Override
    public void processElement2(VerifyRequest r, Context ctx, Collector<VerifyTask> out) throws Exception {
        AcousticContext c = contexts.get(r.getUtteranceId());
        if (c != null) {
            out.collect(task(r, c));
            return;
        }
        List<VerifyRequest> early = waiting.get(r.getUtteranceId());
        if (early == null) {
            early = new ArrayList<>();
            expire(r.getUtteranceId(), ctx);
        }
        if (early.size() < maxWaiting) {
            early.add(r);
            waiting.put(r.getUtteranceId(), early);
        } // else dropped: the edge's deadline commits the block unverified
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<VerifyTask> out) throws Exception {
        List<String> done = new ArrayList<>();
        for (var e : expiry.entries()) {
            if (e.getValue() <= timestamp) {
                done.add(e.getKey());
            }
        }
        for (String id : done) {
            contexts.remove(id);
            waiting.remove(id);
            expiry.remove(id);
        }
    }

    private void expire(String utteranceId, Context ctx) throws Exception {
        Long old = expiry.get(utteranceId);
        if (old != null) {
            ctx.timerService().deleteProcessingTimeTimer(old);
        }
        long at = ctx.timerService().currentProcessingTime() + ttlMs;
        expiry.put(utteranceId, at);
        ctx.timerService().registerProcessingTimeTimer(at);
    }

    private static VerifyTask task(VerifyRequest r, AcousticContext c) {
        byte[] f = new byte[c.getFeatures().remaining()];
        c.getFeatures().duplicate().get(f);
        return new VerifyTask(r, f, c.getSteps());
    }
}
