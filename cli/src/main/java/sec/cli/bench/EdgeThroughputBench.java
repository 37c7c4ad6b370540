package sec.cli.bench;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import sec.inference.EdgeModels;
import sec.inference.FeatureExtractor;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.offline.CaptionResult;
import sec.inference.decode.offline.Speculator;
import sec.inference.model.ModelManifest;
import sec.operators.DrafterConfig;
import sec.operators.SpeculativeDrafter;
import sec.operators.Utterance;
import sec.schemas.EmotionCaption;
import sec.schemas.Verdict;

/**
 * The edge's drafting work, utterance audio → caption with the drafter alone (mode EDGE: no cloud,
 * so nothing but drafting is measured), done twice over the same utterances: by the inference core
 * on one thread (bare), and by the edge job's drafter operator on a MiniCluster at parallelism 1.
 * Both rates are tokens drafted per second between the first caption and the last, so the Flink
 * figure leaves out job start-up and model loading (bare loads before it starts the clock too).
 */
public final class EdgeThroughputBench {
    private EdgeThroughputBench() {}

    /** {tokens per second, captions} of the core alone over {@code count} utterances, the base ones in turn. */
    public static double[] bare(ModelManifest manifest, List<Utterance> base, int count) {
        SpeculationConfig edge = SpeculationConfig.defaults().withMode(SpeculationConfig.Mode.EDGE);
        try (EdgeModels models = EdgeModels.load(manifest)) {
            FeatureExtractor fx = models.features();
            Speculator speculator = new Speculator(models.drafter(), null, manifest, models.tokenizer(), edge, null);
            long tokens = 0;
            long first = 0;
            for (int i = 0; i < count; i++) {
                Utterance u = nth(base, i);
                CaptionResult r = speculator.caption(fx.features(u.samples, manifest.mel().sampleRate(), u.utteranceId), u.language);
                if (i == 0) {
                    first = System.nanoTime(); // as in the Flink run: from the first caption to the last
                } else {
                    tokens += r.drafted();
                }
            }
            return new double[] {tokens / ((System.nanoTime() - first) / 1e9), count};
        }
    }

    /**
     * {tokens per second, captions} of the edge job's drafter operator, parallelism 1, over the same
     * utterances (made in the source from the base ones: a collection of them would travel in the job graph).
     */
    public static double[] flink(String bundle, List<Utterance> base, int count, int batchCalls) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        DataStream<Utterance> in = env.fromSequence(0, count - 1).map(new Replay(base)).returns(Utterance.class);
        // no cloud: a stream that ends without a verdict (fromData cannot be empty)
        DataStream<Verdict> noVerdicts = env.fromSequence(0, 0)
                .flatMap((Long x, org.apache.flink.util.Collector<Verdict> none) -> { }).returns(TypeInformation.of(Verdict.class));
        DrafterConfig config = DrafterConfig.defaults(bundle, SpeculationConfig.defaults().withMode(SpeculationConfig.Mode.EDGE))
                .withBatch(batchCalls, DrafterConfig.DEFAULT_BATCH_DELAY_MS);
        DataStream<EmotionCaption> captions = in.keyBy(u -> u.callId).connect(noVerdicts.keyBy(Verdict::getCallId))
                .transform("speculative-drafter", TypeInformation.of(EmotionCaption.class), new SpeculativeDrafter(config));
        long tokens = 0;
        long first = 0;
        long last = 0;
        int n = 0;
        try (CloseableIterator<EmotionCaption> it = captions.executeAndCollect("bench-edge")) {
            while (it.hasNext()) {
                EmotionCaption c = it.next();
                last = System.nanoTime();
                if (n++ == 0) {
                    first = last;
                } else {
                    tokens += c.getDrafted();
                }
            }
        }
        return new double[] {tokens / ((last - first) / 1e9), n};
    }

    /** The i-th utterance, made in the job from the base ones (which travel as plain arrays). */
    private static final class Replay implements org.apache.flink.api.common.functions.MapFunction<Long, Utterance> {
        private final String[][] names;
        private final long[][] spans;
        private final float[][] samples;
        private transient List<Utterance> base;

        Replay(List<Utterance> base) {
            names = base.stream().map(u -> new String[] {u.callId, u.channel, u.language}).toArray(String[][]::new);
            spans = base.stream().map(u -> new long[] {u.startMs, u.endMs}).toArray(long[][]::new);
            samples = base.stream().map(u -> u.samples).toArray(float[][]::new);
        }

        @Override
        public Utterance map(Long i) {
            if (base == null) {
                base = new ArrayList<>();
                for (int k = 0; k < names.length; k++) {
                    base.add(new Utterance(names[k][0], names[k][1], names[k][2], spans[k][0], spans[k][1], samples[k]));
                }
            }
            return nth(base, i);
        }
    }

    /** The i-th utterance of a run: the base ones in turn, each round under its own call id. */
    static Utterance nth(List<Utterance> base, long i) {
        Utterance u = base.get((int) (i % base.size()));
        return new Utterance(u.callId + "-" + i / base.size(), u.channel, u.language, u.startMs, u.endMs, u.samples);
    }
}
