package sec.inference.drafter;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sec.inference.AudioFeatures;
import sec.inference.audio.ProsodySettings;
import sec.inference.audio.SpeakerBaseline;
import sec.inference.model.ModelException;
import sec.inference.model.ModelManifest;

/**
 * The edge model through ONNX Runtime: encoder.onnx and context.onnx once per utterance,
 * cross_kv.onnx once per session (the decoder's cross-attention keys and values, which depend on
 * the audio alone), decoder.onnx per step with past key/values. One instance per thread: the ONNX
 * sessions are thread-safe, but the drafter keeps the cross tensors of the session it fed last
 * ({@link CrossTensors}); close it when done.
 */
public final class Drafter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Drafter.class);
    private static final String LOG_MEL = "log_mel";
    private static final String PITCH = "pitch";
    private static final String PROSODY = "prosody";

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final ModelManifest.DrafterSpec spec;
    private final int vocabSize;
    private final int contextDim;
    private final OrtSession encoder;
    private final OrtSession context;
    private final OrtSession crossKv;
    private final OrtSession decoder;
    /** Per cross input, the axis over encoder steps (the decoder's one dynamic axis after the batch). */
    private final int[] crossStepsAxis;
    private final CrossTensors lastCross;
    private final PastBuffers pastBuffers = new PastBuffers();
    /**
     * A prosody bundle's front end: its encoders take the pitch track and the prosody values it names
     * next to log-mel, in its order; null: log-mel only.
     */
    private final ProsodySettings prosodySettings;
    private final java.util.Set<Long> emotionTokens;

    private Drafter(ModelManifest manifest, int threads, boolean spinning) {
        this.spec = manifest.drafter();
        this.vocabSize = manifest.vocabSize();
        this.contextDim = manifest.contextDim();
        OrtSession enc = null;
        OrtSession ctx = null;
        OrtSession cross = null;
        OrtSession dec = null;
        this.prosodySettings = manifest.prosody().orElse(null);
        this.emotionTokens = manifest.emotionTokens();
        Set<String> audioInputs = prosodySettings != null ? Set.of(LOG_MEL, PITCH, PROSODY) : Set.of(LOG_MEL);
        try {
            enc = open(spec.encoder(), threads, spinning, audioInputs, Set.of("encoder_states"));
            ctx = open(spec.context(), threads, spinning, audioInputs, Set.of("context"));
            cross = open(spec.crossKv(), threads, spinning, Set.of("encoder_states"), Set.copyOf(spec.crossInputs()));
            Set<String> decoderInputs = new java.util.HashSet<>(
                    List.of("input_ids", "position_ids", "encoder_mask", "self_mask"));
            decoderInputs.addAll(spec.crossInputs());
            decoderInputs.addAll(spec.pastInputs());
            Set<String> decoderOutputs = new java.util.HashSet<>(spec.presentOutputs());
            decoderOutputs.add("logits");
            dec = open(spec.decoder(), threads, spinning, decoderInputs, decoderOutputs);
            lastDim(spec.encoder(), enc.getInputInfo().get(LOG_MEL), manifest.mel().nMels(), "mel bins");
            if (prosodySettings != null) {
                lastDim(spec.encoder(), enc.getInputInfo().get(PROSODY), prosodySettings.vector().size(), "prosody values");
            }
            lastDim(spec.decoder(), dec.getOutputInfo().get("logits"), vocabSize, "vocabulary entries");
            this.crossStepsAxis = CrossKv.stepsAxes(spec, cross, dec);
        } catch (RuntimeException | OrtException e) {
            closeQuietly(enc);
            closeQuietly(ctx);
            closeQuietly(cross);
            closeQuietly(dec);
            throw e instanceof RuntimeException r ? r : new ModelException("drafter: " + e.getMessage(), e);
        }
        this.decoder = dec;
        this.crossKv = cross;
        this.encoder = enc;
        this.context = ctx;
        this.lastCross = new CrossTensors(env, spec.crossInputs());
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** The vocabulary's emotion-word token ids (what the emotion gate watches). */
    public java.util.Set<Long> emotionTokens() {
        return emotionTokens;
    }

    OrtEnvironment environment() {
        return env;
    }

    OrtSession decoderSession() {
        return decoder;
    }

    ModelManifest.DrafterSpec spec() {
        return spec;
    }

    /** Loads the four ONNX files named by the manifest, each with {@code threads} intra-op threads that never spin. */
    public static Drafter load(ModelManifest manifest, int threads) {
        return load(manifest, threads, false);
    }

    /**
     * As {@link #load(ModelManifest, int)}; {@code spinning}: idle intra-op threads busy-wait for
     * the next run (ONNX Runtime's default, a little faster on cores the drafter owns, cores burnt
     * on a node it shares). One thread runs on the caller's and has nothing to spin.
     */
    public static Drafter load(ModelManifest manifest, int threads, boolean spinning) {
        if (threads < 1) {
            throw new IllegalArgumentException("drafter threads must be >= 1, got " + threads);
        }
        return new Drafter(manifest, threads, spinning);
    }

    private OrtSession open(Path file, int threads, boolean spinning, Set<String> inputs, Set<String> outputs) {
        OrtSession session;
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(threads);
            opts.setInterOpNumThreads(1);
            opts.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
            opts.addConfigEntry("session.inter_op.allow_spinning", spinning ? "1" : "0");
            session = env.createSession(file.toString(), opts);
        } catch (OrtException e) {
            throw new ModelException(file + ": ONNX Runtime cannot load it (" + e.getMessage() + ")", e);
        }
        try {
            check(file, "inputs", session.getInputNames(), inputs);
            check(file, "outputs", session.getOutputNames(), outputs);
            LOG.info("loaded {}: inputs {} outputs {}", file.getFileName(), session.getInputNames(),
                    session.getOutputNames());
            return session;
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /** A model whose fixed last dimension disagrees with the manifest (another vocabulary, other mel bins). */
    private static void lastDim(Path file, ai.onnxruntime.NodeInfo node, int expected, String what) {
        if (node.getInfo() instanceof ai.onnxruntime.TensorInfo t) {
            long[] shape = t.getShape();
            long got = shape.length == 0 ? -1 : shape[shape.length - 1];
            if (got > 0 && got != expected) {
                throw new ModelException(file + ": " + node.getName() + " has " + got + " " + what
                        + ", the manifest and tokenizer say " + expected);
            }
        }
    }

    private static void check(Path file, String what, Set<String> actual, Set<String> expected) {
        if (!actual.equals(expected)) {
            throw new ModelException(file + ": " + what + " " + actual + " do not match the manifest's "
                    + expected);
        }
    }

    /** Runs the drafter encoder and the context encoder over one utterance, without a speaker baseline. */
    public EncodedAudio encode(AudioFeatures features) {
        return encode(features, null);
    }

    /**
     * Runs the drafter encoder and the context encoder over one utterance; {@code baseline} is the
     * speaker's so far (null: none, a first utterance). A log-mel-only bundle ignores it.
     */
    public EncodedAudio encode(AudioFeatures features, SpeakerBaseline.Value baseline) {
        float[][] logMel = features.logMel();
        if (logMel.length == 0) {
            throw new IllegalArgumentException("no audio frames to encode");
        }
        int mels = logMel[0].length;
        FloatBuffer buf = FloatBuffer.allocate(logMel.length * mels);
        for (float[] frame : logMel) {
            buf.put(frame);
        }
        buf.flip();
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put(LOG_MEL, OnnxTensor.createTensor(env, buf, new long[] {1, logMel.length, mels}));
            if (prosodySettings != null) {
                if (features.prosody() == null) {
                    throw new IllegalArgumentException("the bundle's encoders take prosody; these features have none");
                }
                float[][] track = features.prosody().pitchTrack();
                FloatBuffer p = FloatBuffer.allocate(logMel.length * 2);
                for (int f = 0; f < logMel.length; f++) {
                    p.put(f < track.length ? track[f] : ZERO_PITCH);
                }
                p.flip();
                in.put(PITCH, OnnxTensor.createTensor(env, p, new long[] {1, logMel.length, 2}));
                double[] vec = prosodySettings.select(features.prosodyVector(baseline));
                float[] v = new float[vec.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) vec[i];
                }
                in.put(PROSODY, OnnxTensor.createTensor(env, FloatBuffer.wrap(v), new long[] {1, v.length}));
            }
            try (OrtSession.Result enc = encoder.run(in);
                    OrtSession.Result ctx = context.run(in)) {
                OnnxTensor states = (OnnxTensor) enc.get(0);
                long[] shape = states.getInfo().getShape();
                float[] s = toArray(states.getFloatBuffer());
                ByteBuffer c = ((OnnxTensor) ctx.get(0)).getByteBuffer();
                byte[] cb = new byte[c.remaining()];
                c.get(cb);
                return new EncodedAudio(s, (int) shape[1], (int) shape[2], cb, contextDim);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("drafter encoder failed: " + e.getMessage(), e);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    /** Starts an utterance and feeds the prompt; {@link DraftSession#lastLogits()} then predicts token 1. */
    public DraftSession start(EncodedAudio audio, long[] prompt) {
        DraftSession s = new DraftSession(audio, new KvCache(spec.layers(), spec.heads(), spec.headDim()));
        s.cross(project(audio));
        feed(s, prompt);
        return s;
    }

    /** The session's cross-attention keys and values, projected now if it has none (read back from a checkpoint). */
    CrossKv cross(DraftSession s) {
        if (s.cross() == null) {
            s.cross(project(s.audio()));
        }
        return s.cross();
    }

    /** Runs cross_kv.onnx over one utterance's encoder states. */
    private CrossKv project(EncodedAudio audio) {
        List<String> names = spec.crossInputs();
        try (OnnxTensor states = OnnxTensor.createTensor(env, FloatBuffer.wrap(audio.states()),
                        new long[] {1, audio.steps(), audio.dim()});
                OrtSession.Result out = crossKv.run(Map.of("encoder_states", states))) {
            float[][] tensors = new float[names.size()][];
            long[][] shapes = new long[names.size()][];
            for (int i = 0; i < tensors.length; i++) {
                OnnxTensor t = (OnnxTensor) out.get(names.get(i)).orElseThrow();
                tensors[i] = toArray(t.getFloatBuffer());
                shapes[i] = t.getInfo().getShape();
            }
            return new CrossKv(tensors, shapes, crossStepsAxis, audio.steps());
        } catch (OrtException e) {
            throw new IllegalStateException("drafter cross K/V projection failed: " + e.getMessage(), e);
        }
    }

    /** Feeds tokens after the cache (one or several at once) and returns the last position's logits. */
    public float[] feed(DraftSession s, long... ids) {
        KvCache cache = s.cache();
        int past = cache.length();
        int total = past + ids.length;
        CrossKv cross = cross(s);
        long[] positions = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            positions[i] = past + i;
        }
        Map<String, OnnxTensor> step = new HashMap<>(); // made for this step, closed after it
        try {
            step.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, ids.length}));
            step.put("position_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {1, ids.length}));
            step.put("self_mask", OnnxTensor.createTensor(env, FloatBuffer.wrap(ones(total)), new long[] {1, total}));
            long[] pastShape = {1, spec.heads(), past, spec.headDim()};
            FloatBuffer[] pastViews = pastBuffers.views(cache);
            for (int k = 0; k < pastViews.length; k++) {
                step.put(spec.pastInputs().get(k), OnnxTensor.createTensor(env, pastViews[k], pastShape));
            }
            Map<String, OnnxTensor> in = new HashMap<>(step);
            lastCross.putInto(cross, in);
            try (OrtSession.Result out = decoder.run(in)) {
                float[][] keys = new float[spec.layers()][];
                float[][] values = new float[spec.layers()][];
                for (int l = 0; l < spec.layers(); l++) {
                    keys[l] = tensor(out, spec.presentOutputs().get(2 * l));
                    values[l] = tensor(out, spec.presentOutputs().get(2 * l + 1));
                }
                cache.replace(keys, values, total);
                FloatBuffer logits = ((OnnxTensor) out.get("logits").orElseThrow()).getFloatBuffer();
                float[] last = new float[vocabSize];
                logits.position((ids.length - 1) * vocabSize);
                logits.get(last);
                s.appendFed(ids, last);
                return last;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("drafter decoder step failed: " + e.getMessage(), e);
        } finally {
            step.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Brings the session to exactly {@code committed} (prompt included): keeps the longest common
     * prefix of the cache, drops the rest (rollback) and feeds what is missing in one step.
     */
    public float[] sync(DraftSession s, long[] committed, int length) {
        int common = 0;
        int limit = Math.min(s.length(), length);
        while (common < limit && s.fed(common) == committed[common]) {
            common++;
        }
        if (common == length && common == s.length() && s.lastLogits() != null) {
            return s.lastLogits();
        }
        if (common == length) {
            common--; // the last token must be fed again to get its logits
        }
        s.truncate(common);
        long[] rest = java.util.Arrays.copyOfRange(committed, common, length);
        return feed(s, rest);
    }

    private static float[] tensor(OrtSession.Result out, String name) throws OrtException {
        OnnxValue v = out.get(name).orElseThrow(() -> new IllegalStateException("decoder output " + name + " missing"));
        return toArray(((OnnxTensor) v).getFloatBuffer());
    }

    /**
     * The buffer's floats as an array. {@link OnnxTensor#getFloatBuffer()} already returns a fresh
     * heap copy of the tensor: its array is taken as it is rather than copied a second time.
     */
    static float[] toArray(FloatBuffer b) {
        if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.remaining() == b.array().length) {
            return b.array();
        }
        float[] a = new float[b.remaining()];
        b.get(a);
        return a;
    }

    private static final float[] ZERO_PITCH = new float[2];

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    private static void closeQuietly(OrtSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException ignored) {
                // closing after a failed load; the load error is the one to report
            }
        }
    }

    @Override
    public void close() {
        lastCross.close();
        closeQuietly(encoder);
        closeQuietly(context);
        closeQuietly(crossKv);
        closeQuietly(decoder);
    }

}
