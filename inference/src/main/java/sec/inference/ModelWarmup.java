package sec.inference;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sec.inference.decode.BatchedDrafting;
import sec.inference.decode.BlockController;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.SpeculativeDecoder;
import sec.inference.decode.accept.AcceptancePolicy;
import sec.inference.decode.verify.VerificationService;
import sec.inference.drafter.EncodedAudio;
import sec.inference.model.ModelManifest;

/**
 * Synthetic work run once models are loaded, before they serve: the first forward passes of ONNX
 * Runtime and libtorch (libtorch's profiling executor optimises a graph on its second run) and the
 * first, interpreted runs of the decoding code otherwise land on the first real calls after every
 * start and every failover (in {@code sec demo} the first captions took 0.7-0.9 s against ~0.07 s
 * later). Nothing is kept: no state, no records, and the decisions are thrown away.
 */
public final class ModelWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(ModelWarmup.class);
    /** Verifier passes of growing batch and length: enough for the JIT to compile the acceptance loops. */
    public static final int VERIFIER_PASSES = 24;
    /** Drafting rounds of 1, 4 and 7 synthetic utterances, batched as the edge operator batches calls. */
    static final int[] DRAFT_BATCHES = {1, 4, 7};

    private ModelWarmup() {}

    /** Drafts synthetic utterances to their end on the edge (logs how long it took); returns the tokens drafted. */
    public static int edge(EdgeModels m, SpeculationConfig config) {
        long t0 = System.nanoTime();
        ModelManifest manifest = m.manifest();
        int rate = manifest.mel().sampleRate();
        String language = manifest.languages().iterator().next();
        AcceptancePolicy acceptance = config.acceptancePolicy();
        int n = 0;
        int tokens = 0;
        for (int batch : DRAFT_BATCHES) {
            List<SpeculativeDecoder> decoders = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++, n++) {
                AudioFeatures f = m.features().features(voice(rate, 0.8 + 0.15 * (n % 6), 110 + 17 * (n % 7)), rate, "warm-up");
                EncodedAudio audio = m.drafter().encode(f, null);
                long[] prompt = manifest.prompt(language);
                decoders.add(new SpeculativeDecoder(m.drafter(), m.drafter().start(audio, prompt), prompt, manifest.eos(),
                        config, new BlockController(config), acceptance));
            }
            try {
                BatchedDrafting.draftAll(m.drafter(), decoders, batch, (i, block) -> { });
            } catch (Exception e) {
                throw new IllegalStateException("drafter warm-up failed: " + e.getMessage(), e);
            }
            for (SpeculativeDecoder d : decoders) {
                d.finishOnEdge();
                tokens += d.trace().length();
            }
        }
        LOG.info("drafter {} warmed up: {} tokens in {} ms", manifest.name(), tokens, (System.nanoTime() - t0) / 1_000_000);
        return tokens;
    }

    /** Verifies synthetic blocks through {@code service} (logs how long it took); returns the blocks verified. */
    public static int cloud(VerificationService service, ModelManifest manifest) {
        long t0 = System.nanoTime();
        int blocks = 0;
        String language = manifest.languages().iterator().next();
        for (int pass = 0; pass < VERIFIER_PASSES; pass++) {
            int batch = 1 + pass % 4;
            List<VerificationService.Task> tasks = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                int steps = 10 + (pass * 7 + i * 3) % 60;
                tasks.add(new VerificationService.Task(new byte[steps * manifest.contextDim()], steps, language,
                        tokens(manifest, pass % 12, pass + i), tokens(manifest, 4, pass * 3 + i)));
            }
            blocks += service.verify(tasks).size();
        }
        LOG.info("verifier {} warmed up: {} blocks in {} ms", manifest.name(), blocks, (System.nanoTime() - t0) / 1_000_000);
        return blocks;
    }

    /** A voiced sound: a harmonic series at {@code f0} Hz with a 4 Hz syllable envelope, as speech has. */
    static float[] voice(int rate, double seconds, double f0) {
        float[] x = new float[(int) (rate * seconds)];
        for (int t = 0; t < x.length; t++) {
            double s = t / (double) rate;
            double envelope = 0.5 * (1 - Math.cos(2 * Math.PI * 4 * s));
            double v = 0;
            for (int h = 1; h * f0 < rate / 2.0; h++) {
                v += Math.sin(2 * Math.PI * h * f0 * s) / h;
            }
            x[t] = (float) (0.1 * envelope * v);
        }
        return x;
    }

    private static long[] tokens(ModelManifest manifest, int n, int seed) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.floorMod(seed * 31 + i * 17 + manifest.eos() + 1, manifest.vocabSize());
        }
        return out;
    }
}
