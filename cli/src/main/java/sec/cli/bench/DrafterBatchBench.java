package sec.cli.bench;

import java.util.ArrayList;
import java.util.List;
import sec.inference.decode.Logits;
import sec.inference.drafter.DecodeBatch;
import sec.inference.drafter.DraftSession;
import sec.inference.drafter.Drafter;
import sec.inference.drafter.EncodedAudio;

/**
 * Greedy drafting of several utterances (one per concurrent call) on one thread: each stepped on
 * its own, one decoder run per token, or all stepped together, one run per step ({@link DecodeBatch};
 * a finished caption's row rides along until the last one ends, and the batch's caches are written
 * back at the end, both counted). Tokens per second of each way; their ratio is what batching buys per core.
 */
public final class DrafterBatchBench {
    private DrafterBatchBench() {}

    /** {tokens per second stepped alone, tokens per second stepped together}. */
    public static double[] rates(Drafter drafter, List<EncodedAudio> calls, List<long[]> prompts, long eos, int maxTokens,
            double seconds) {
        return alongside(together -> round(drafter, calls, prompts, eos, maxTokens, together), seconds);
    }

    /**
     * A round each way to warm up, then rounds of each way for {@code seconds}: {tokens per second
     * alone, together}. A round returns {tokens, nanoseconds}.
     */
    static double[] alongside(java.util.function.Function<Boolean, long[]> round, double seconds) {
        round.apply(false);
        round.apply(true);
        return new double[] {rate(round, false, seconds), rate(round, true, seconds)};
    }

    private static double rate(java.util.function.Function<Boolean, long[]> round, boolean together, double seconds) {
        long tokens = 0;
        long nanos = 0;
        while (nanos < seconds * 1e9) {
            long[] r = round.apply(together);
            tokens += r[0];
            nanos += r[1];
        }
        return tokens / (nanos / 1e9);
    }

    /** One caption per call: {tokens drafted, nanoseconds spent stepping} (starting the sessions not counted). */
    private static long[] round(Drafter drafter, List<EncodedAudio> calls, List<long[]> prompts, long eos,
            int maxTokens, boolean together) {
        List<DraftSession> active = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            active.add(drafter.start(calls.get(i), prompts.get(i)));
        }
        long tokens = 0;
        long start = System.nanoTime();
        if (together) {
            // Finished captions leave the batch once a quarter of its rows are done (the batch is
            // rebuilt from the rest), so rows that ride along idle stay few.
            List<DraftSession> rows = active;
            for (int step = 0; step < maxTokens && !rows.isEmpty(); ) {
                boolean[] done = new boolean[rows.size()];
                int finished = 0;
                try (DecodeBatch batch = new DecodeBatch(drafter, rows)) {
                    float[][] logits = rows.stream().map(DraftSession::lastLogits).toArray(float[][]::new);
                    while (step < maxTokens && finished * 4 < rows.size()) {
                        long[] next = new long[logits.length];
                        for (int i = 0; i < next.length; i++) {
                            next[i] = done[i] ? eos : Logits.argmax(logits[i]);
                            if (!done[i]) {
                                tokens++;
                                if (next[i] == eos) {
                                    done[i] = true;
                                    finished++;
                                }
                            }
                        }
                        step++;
                        if (finished < rows.size()) { // the rows going on get their token before any rebuild
                            logits = batch.step(next);
                        }
                    }
                }
                List<DraftSession> rest = new ArrayList<>();
                for (int i = 0; i < rows.size(); i++) {
                    if (!done[i]) {
                        rest.add(rows.get(i));
                    }
                }
                rows = rest;
            }
        } else {
            for (DraftSession s : active) {
                float[] logits = s.lastLogits();
                for (int step = 0; step < maxTokens; step++) {
                    int t = Logits.argmax(logits);
                    tokens++;
                    if (t == eos) {
                        break;
                    }
                    logits = drafter.feed(s, t);
                }
            }
        }
        return new long[] {tokens, System.nanoTime() - start};
    }
}
