package sec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sec.devkit.EmbeddedKafka;
import sec.connectors.KafkaSettings;
import sec.connectors.TopicAdmin;
import sec.inference.CloudModels;
import sec.inference.EdgeModels;
import sec.inference.FeatureExtractor;
import sec.inference.audio.ChannelSegmenter;
import sec.inference.audio.WavReader;
import sec.inference.decode.Logits;
import sec.inference.drafter.DraftSession;
import sec.inference.drafter.Drafter;
import sec.inference.drafter.EncodedAudio;
import sec.inference.model.ModelManifest;
import sec.inference.verifier.TorchThreads;
import sec.inference.verifier.Verifier;
import sec.cli.bench.DrafterBatchBench;
import sec.cli.bench.EdgeThroughputBench;
import sec.cli.bench.KafkaThroughputBench;
import sec.cli.bench.RealtimeLoadBench;
import sec.cli.bench.SpeculativeBatchBench;
import sec.cli.bench.ContentionBench;
import sec.cli.bench.VerifierBatchBench;
import sec.operators.SegmenterConfig;
import sec.operators.Utterance;
import sec.schemas.AudioFrame;
import sec.schemas.Channel;
import sec.devkit.CallFrames;

/**
 * {@code sec bench}: measures the pipeline's parts, one method each: the models (the drafter's decode
 * loop, batched across calls, the verifier by batch size), the edge's drafting through Flink vs the
 * core, Kafka frame throughput, and (not with --quick) the most real-time calls within the latency bound.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks; prints JSON.")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "short run (about 3 s per measurement)")
    boolean quick;

    @Option(names = "--out", description = "also write the JSON to this file")
    Path out;

    @Option(names = "--models", description = "model bundle directory (default: the bundled models); "
            + "the held-out recordings and demo calls stay the bundled ones, so two bundles are measured on the same audio")
    Path bundle;

    @Option(names = "--max-calls", defaultValue = "256", description = "the stepped real-time load stops here"
            + " (8, 16, 24, 32, 48, 64, 96, 128, 160, 200, 256 calls; ~2 min a step; not in --quick)")
    int maxCalls;

    @Option(names = "--min-calls", defaultValue = "8", description = "the stepped real-time load starts at the first step"
            + " with at least this many calls (a colder JVM than after the smaller steps)")
    int minCalls;

    @Option(names = "--realtime-only", description = "only the stepped real-time load, in both shapes")
    boolean realtimeOnly;

    @Option(names = "--parallelism", defaultValue = "1", description = "the real-time load's demo parallelism"
            + " (sec demo --parallelism; default: ${DEFAULT-VALUE})")
    int parallelism;

    @Option(names = "--rollouts", defaultValue = "0", description = "also roll out N versions one after another on each"
            + " side and report the process's memory after each (RolloutMemoryBench; default: not run)")
    int rollouts;

    @Override
    public Integer call() throws Exception {
        Path models = SecCli.modelsDir();
        if (bundle == null) {
            bundle = models.resolve("bundled");
        }
        ModelManifest manifest = ModelManifest.load(bundle);
        double seconds = quick ? 3 : 10;
        ObjectNode result = new ObjectMapper().createObjectNode();
        result.put("bundle", manifest.name() + " (" + bundle + ")");
        if (!realtimeOnly) {
            models(models, manifest, seconds, result);
            edge(models, manifest, result);
            kafka(models, result);
        }
        if (!quick || realtimeOnly) {
            realtime(result);
        }
        if (rollouts > 0) {
            sec.cli.bench.RolloutMemoryBench.measure(bundle, models.resolve("alternate/drafter"), rollouts, result);
        }
        String json = result.toPrettyString();
        spec.commandLine().getOut().println(json);
        if (out != null) {
            Files.writeString(out, json);
        }
        return 0;
    }

    /** The drafter's decode loop, its batched steps across 16 calls, the verifier by batch size. */
    private static void models(Path models, ModelManifest manifest, double seconds, ObjectNode result) throws Exception {
        List<Path> en = heldOut(models, "en");
        List<Path> zh = heldOut(models, "zh");
        try (EdgeModels edge = EdgeModels.load(manifest)) {
            Drafter drafter = edge.drafter();
            FeatureExtractor features = edge.features();
            sec.inference.audio.PcmAudio pcm = WavReader.read(en.get(0));
            EncodedAudio audio = drafter.encode(features.features(pcm, 0, en.get(0).toString()));
            long[] prompt = manifest.prompt("en");
            decode(drafter, audio, prompt, manifest.eos(), seconds / 3); // warm-up
            double[] r = decode(drafter, audio, prompt, manifest.eos(), seconds);
            result.put("drafter_tokens_per_s_bare", Math.round(r[0] * 10) / 10.0);
            result.put("drafter_tokens_per_caption", r[1]);
            result.put("utterance", en.get(0).getFileName().toString());
            result.put("threads", 1);
            List<EncodedAudio> calls = new ArrayList<>();
            List<long[]> prompts = new ArrayList<>();
            for (Path w : java.util.stream.Stream.concat(en.stream().limit(8), zh.stream().limit(8)).toList()) {
                calls.add(drafter.encode(features.features(WavReader.read(w), 0, w.toString())));
                prompts.add(manifest.prompt(en.contains(w) ? "en" : "zh"));
            }
            double[] batched = DrafterBatchBench.rates(drafter, calls, prompts, manifest.eos(), 48, seconds / 2);
            result.put("drafter_tokens_per_s_batch_1", Math.round(batched[0] * 10) / 10.0);
            result.put("drafter_tokens_per_s_batched_16", Math.round(batched[1] * 10) / 10.0);
            result.put("drafter_batched_speedup_16", Math.round(batched[1] / batched[0] * 100) / 100.0);
            // the same 16 calls drafted as the edge drafts (gated blocks), each call's next block together
            double[] blocks = SpeculativeBatchBench.rates(drafter, calls, prompts, manifest.eos(),
                    sec.inference.decode.SpeculationConfig.defaults(), seconds / 2);
            result.put("drafter_speculative_tokens_per_s_batch_1", Math.round(blocks[0] * 10) / 10.0);
            result.put("drafter_speculative_tokens_per_s_batched_16", Math.round(blocks[1] * 10) / 10.0);
            result.put("drafter_speculative_batched_speedup_16", Math.round(blocks[1] / blocks[0] * 100) / 100.0);
            // the budget the cloud job's verifier.threads: auto gives a one-slot TaskManager; each pass takes what its batch pays for
            int cores = Runtime.getRuntime().availableProcessors();
            try (CloudModels cloud = CloudModels.load(manifest, cores, TorchThreads.WaitPolicy.PASSIVE)) {
                Verifier verifier = cloud.verifier();
                Map<Integer, Double> bps = VerifierBatchBench.blocksPerSecond(verifier, audio, prompt, 12, 4,
                        new int[] {1, 8, 16, 32}, seconds / 2);
                bps.forEach((b, v) -> result.put("verifier_blocks_per_s_batch_" + b, Math.round(v * 10) / 10.0));
                result.put("verifier_batch_speedup_32", Math.round(bps.get(32) / bps.get(1) * 100) / 100.0);
                result.put("verifier_device", "cpu (" + cores + " cores)");
                result.put("verifier_threads_budget", cores);
                contention(edge, cloud, pcm, seconds, result);
            }
        }
    }

    /**
     * Per caption, alone and on a twice-oversubscribed machine ({@link ContentionBench}): a caption
     * drafted on the edge from the utterance's audio (front end, encoder, decoding: what {@code sec
     * caption --mode edge} does), a caption written by the cloud verifier alone ({@code --mode
     * cloud}), and a verifier pass over 32 blocks at the default budget and at a thread per core
     * (a batch of 1 takes one thread whatever the budget: TorchThreads#forPass; passive OpenMP
     * waits, the JVM's policy; spinning waits are what collapsed).
     */
    private static void contention(EdgeModels edge, CloudModels cloud, sec.inference.audio.PcmAudio pcm,
            double seconds, ObjectNode result) {
        ModelManifest manifest = edge.manifest();
        long[] prompt = manifest.prompt("en");
        var config = sec.inference.decode.SpeculationConfig.defaults();
        var link = new sec.inference.decode.verify.InProcessLink(cloud.verifier());
        var edgeOnly = new sec.inference.decode.offline.Speculator(edge.drafter(), null, manifest, edge.tokenizer(),
                config.withMode(sec.inference.decode.SpeculationConfig.Mode.EDGE), null);
        Runnable drafted = () -> edgeOnly.caption(edge.features().features(pcm, 0, "bench"), "en");
        put(result, "contention_drafter_caption", ContentionBench.compare(drafted, seconds, 1));
        sec.inference.AudioFeatures utterance = edge.features().features(pcm, 0, "bench");
        var cloudOnly = new sec.inference.decode.offline.Speculator(edge.drafter(), cloud.verifier(), manifest,
                edge.tokenizer(), config.withMode(sec.inference.decode.SpeculationConfig.Mode.CLOUD), link);
        Runnable verified = () -> cloudOnly.caption(utterance, "en");
        put(result, "contention_verifier_caption", ContentionBench.compare(verified, seconds, TorchThreads.DEFAULT));
        EncodedAudio audio = edge.drafter().encode(utterance);
        Runnable batch = VerifierBatchBench.batch(cloud.verifier(), audio, prompt, 12, 4, 32);
        int cores = Runtime.getRuntime().availableProcessors();
        for (int threads : new int[] {cores, TorchThreads.DEFAULT}) { // the default last: what the rest of the JVM runs with
            TorchThreads.apply(threads);
            put(result, "contention_verifier_" + threads + "_threads_batch_32", ContentionBench.compare(batch, seconds, threads));
        }
        result.put("verifier_wait_policy", TorchThreads.waitPolicy());
    }

    private static void put(ObjectNode result, String name, ContentionBench.Comparison c) {
        result.put(name + "_p50_ms_quiet", c.quiet().p50Ms());
        result.put(name + "_p95_ms_quiet", c.quiet().p95Ms());
        result.put(name + "_p50_ms_contended", c.contended().p50Ms());
        result.put(name + "_p95_ms_contended", c.contended().p95Ms());
        result.put(name + "_contended_vs_quiet_p95", Math.round(c.p95Ratio() * 100) / 100.0);
    }

    private static List<Path> heldOut(Path models, String lang) throws Exception {
        try (var files = Files.list(models.resolve("eval").resolve(lang))) {
            return files.filter(p -> p.toString().endsWith(".wav")).sorted().toList();
        }
    }

    /** The edge's drafting, core alone vs the Flink operator, over the same utterances. */
    private void edge(Path models, ModelManifest manifest, ObjectNode result) throws Exception {
        List<Utterance> base = utterances(models.resolve("calls/call-01-en.wav"), "call-01-en", "en");
        int count = quick ? 250 : 1000; // ~3 s and ~12 s of drafting here
        double[] bare = EdgeThroughputBench.bare(manifest, base, count);
        // like for like (each call drafted at once, as the core does), then as the job runs (calls drafted together)
        double[] flink = EdgeThroughputBench.flink(bundle.toString(), base, count, 1);
        double[] batched = EdgeThroughputBench.flink(bundle.toString(), base, count,
                sec.operators.DrafterConfig.DEFAULT_BATCH_CALLS);
        result.put("edge_utterances", count);
        result.put("drafter_tokens_per_s_edge_bare", Math.round(bare[0] * 10) / 10.0);
        result.put("drafter_tokens_per_s_flink", Math.round(flink[0] * 10) / 10.0);
        result.put("flink_vs_bare", Math.round(flink[0] / bare[0] * 1000) / 1000.0);
        result.put("drafter_tokens_per_s_flink_batched", Math.round(batched[0] * 10) / 10.0);
        result.put("flink_batched_vs_bare", Math.round(batched[0] / bare[0] * 1000) / 1000.0);
    }

    /** Kafka pass-through vs the edge's frame path on one embedded broker. */
    private void kafka(Path models, ObjectNode result) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.createMissing(settings, 1, (short) 1);
            List<List<AudioFrame>> calls = new ArrayList<>(CallFrames.folder(models.resolve("calls")).values());
            String frames = settings.topics().frames();
            long n = KafkaThroughputBench.fill(settings, frames, calls, quick ? 3 : 10);
            double passthrough = KafkaThroughputBench.passthrough(settings, frames, settings.topics().deadLetters());
            double pipeline = KafkaThroughputBench.edgeFrames(settings, frames);
            result.put("kafka_frames", n);
            result.put("kafka_passthrough_records_per_s", Math.round(passthrough));
            result.put("pipeline_frames_per_s", Math.round(pipeline));
            result.put("pipeline_vs_passthrough", Math.round(pipeline / passthrough * 1000) / 1000.0);
            result.put("realtime_calls_per_ingestion_core", Math.round(pipeline / (2 * 1000.0 / CallFrames.FRAME_MS)));
        }
    }

    private static final int[] REALTIME_STEPS = {8, 16, 24, 32, 48, 64, 96, 128, 160, 200, 256};

    /**
     * The stepped real-time load (40 ms RTT, p95 ≤ 500 ms, each step after its warm-up wave), aligned
     * (every call at once: {@code max_realtime_calls}, comparable with earlier runs), then staggered
     * from the step the aligned load last passed ({@code max_realtime_calls_staggered}).
     */
    private void realtime(ObjectNode result) throws Exception {
        RealtimeLoadBench.Result aligned = RealtimeLoadBench.run(steps(minCalls), 40, 500, bundle, false, parallelism);
        put(result, "", aligned);
        RealtimeLoadBench.Result staggered = RealtimeLoadBench.run(steps(Math.max(minCalls, aligned.passedCalls())), 40, 500,
                bundle, true, parallelism);
        put(result, "_staggered", staggered);
        result.put("realtime_rtt_ms", 40);
        result.put("realtime_parallelism", parallelism);
        result.put("realtime_warmup_calls_max", RealtimeLoadBench.MAX_WARMUP_CALLS);
        result.put("realtime_staggered_spread_ms", RealtimeLoadBench.STAGGER_SPREAD_MS);
        result.put("realtime_min_calls", minCalls);
    }

    private int[] steps(int from) {
        return java.util.Arrays.stream(REALTIME_STEPS).filter(c -> c >= from && c <= maxCalls).toArray();
    }

    private static void put(ObjectNode result, String shape, RealtimeLoadBench.Result load) {
        result.put("max_realtime_calls" + shape, load.passedCalls());
        if (load.passed() != null) {
            for (String k : new String[] {"p50_caption_latency_ms", "p95_caption_latency_ms", "p99_caption_latency_ms", "timeouts"}) {
                result.put("realtime" + shape + "_" + k, load.passed().path(k).asLong());
            }
        }
        if (load.failed() != null) {
            result.put("realtime" + shape + "_next_step_p95_caption_latency_ms", load.failed().path("p95_caption_latency_ms").asLong());
            result.put("realtime" + shape + "_next_step_captions_missing", load.failed().path("utterances").asLong()
                    - load.failed().path("captions").asLong());
        }
    }

    /** The utterances the segmenter cuts from a bundled call, both channels. */
    private static List<Utterance> utterances(Path wav, String callId, String lang) throws Exception {
        List<AudioFrame> frames = CallFrames.of(callId, wav, lang);
        List<Utterance> out = new ArrayList<>();
        for (Channel ch : new Channel[] {Channel.AGENT, Channel.CUSTOMER}) {
            for (ChannelSegmenter.Segment s : CallFrames.segments(frames, ch, SegmenterConfig.defaults().reorderWindowFrames())) {
                out.add(new Utterance(callId, ch.name(), lang, s.startMs(), s.startMs() + s.samples().length / 8, s.samples()));
            }
        }
        return out;
    }

    /** Greedy captions of one utterance, repeated for {@code seconds}: {tokens per second, tokens per caption}. */
    private static double[] decode(Drafter drafter, EncodedAudio audio, long[] prompt, long eos, double seconds) {
        long tokens = 0;
        int captions = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            tokens += greedyCaption(drafter, audio, prompt, eos);
            captions++;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new double[] {tokens / elapsed, (double) tokens / captions};
    }

    /** One caption drafted greedily (at most 60 tokens); returns its tokens. */
    private static int greedyCaption(Drafter drafter, EncodedAudio audio, long[] prompt, long eos) {
        DraftSession s = drafter.start(audio, prompt);
        float[] logits = s.lastLogits();
        int tokens = 0;
        for (int i = 0; i < 60; i++) {
            int t = Logits.argmax(logits);
            tokens++;
            if (t == eos) {
                break;
            }
            logits = drafter.feed(s, t);
        }
        return tokens;
    }
}
