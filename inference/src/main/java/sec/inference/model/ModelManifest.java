package sec.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sec.inference.audio.MelSettings;
import sec.inference.audio.ProsodySettings;

/**
 * The bundle's {@code model.json}: where the files are and what the Java side must reproduce
 * (features, special tokens, tensor layouts). Validated on load so that a bad bundle fails with
 * one line naming the file and the key, not later with a tensor shape error.
 */
public final class ModelManifest {
    private final Path dir;
    private final String name;
    private final MelSettings mel;
    private final int encoderDownsample;
    private final int prosodySteps;
    private final ProsodySettings prosody;
    private final int contextDim;
    private final float contextScale;
    private final int contextFrameMs;
    private final int vocabSize;
    private final int pad;
    private final int bos;
    private final int eos;
    private final Map<String, Integer> languageTokens;
    private final int maxCaptionTokens;
    private final DrafterSpec drafter;
    private final Path verifierFile;
    private final Path tokenizerFile;
    private volatile String tokenizerId;
    private final Map<String, List<String>> emotions;
    private final java.util.Set<Long> emotionTokens;

    /**
     * Layout of the drafter's ONNX files (past/present key-value names, heads, sizes). The
     * cross-attention keys and values are projected once per utterance by {@code crossKv}
     * (encoder_states in, {@code crossInputs} out) and fed to the decoder by those names.
     */
    public record DrafterSpec(
            Path encoder,
            Path decoder,
            Path context,
            Path crossKv,
            List<String> crossInputs,
            int layers,
            int heads,
            int headDim,
            int dim,
            List<String> pastInputs,
            List<String> presentOutputs) {}

    private ModelManifest(Path dir, JsonNode root) {
        this.dir = dir;
        this.name = text(root, "name");
        this.mel = MelSettings.fromJson(node(root, "audio"));
        this.encoderDownsample = integer(node(root, "encoder"), "downsample");
        JsonNode enc = node(root, "encoder");
        this.prosodySteps = enc.has("prosody_steps") ? integer(enc, "prosody_steps") : 0;
        // a bundle without a prosody front end (sec-emotion-v1) takes log-mel alone
        this.prosody = root.has("prosody") ? ProsodySettings.fromJson(root.get("prosody"), mel.sampleRate(), mel.nFft()) : null;
        if ((prosody == null) != (prosodySteps == 0)) {
            throw invalid("'prosody' and 'encoder.prosody_steps' must come together (a prosody front end adds the prosody step)");
        }
        JsonNode ctx = node(root, "context");
        this.contextDim = integer(ctx, "dim");
        this.contextScale = (float) node(ctx, "scale").asDouble();
        this.contextFrameMs = integer(ctx, "frame_ms");
        this.vocabSize = integer(root, "vocab_size");
        JsonNode special = node(root, "special_tokens");
        this.pad = integer(special, "pad");
        this.bos = integer(special, "bos");
        this.eos = integer(special, "eos");
        Map<String, Integer> langs = new LinkedHashMap<>();
        node(special, "languages").fields().forEachRemaining(e -> langs.put(e.getKey(), e.getValue().asInt()));
        this.languageTokens = Map.copyOf(langs);
        this.maxCaptionTokens = integer(root, "max_caption_tokens");
        JsonNode d = node(root, "drafter");
        if (!d.has("cross_kv")) {
            // a bundle exported before the split: say how to bring it up to date
            throw invalid("missing key 'drafter.cross_kv' (a decoder that still takes encoder_states;"
                    + " models/recipe/split_cross_kv.py splits it)");
        }
        this.drafter = new DrafterSpec(
                file(text(d, "encoder")),
                file(text(d, "decoder")),
                file(text(ctx, "file")),
                file(text(d, "cross_kv")),
                strings(node(d, "cross_inputs")),
                integer(d, "layers"),
                integer(d, "heads"),
                integer(d, "head_dim"),
                integer(d, "dim"),
                strings(node(d, "past_inputs")),
                strings(node(d, "present_outputs")));
        if (drafter.pastInputs().size() != 2 * drafter.layers()) {
            throw invalid("drafter.past_inputs has " + drafter.pastInputs().size()
                    + " names, expected 2 per layer (" + 2 * drafter.layers() + ")");
        }
        if (drafter.crossInputs().size() != 2 * drafter.layers()) {
            throw invalid("drafter.cross_inputs has " + drafter.crossInputs().size()
                    + " names, expected 2 per layer (" + 2 * drafter.layers() + ")");
        }
        this.verifierFile = file(text(node(root, "verifier"), "file"));
        this.tokenizerFile = file(text(root, "tokenizer"));
        Map<String, List<String>> lex = new LinkedHashMap<>();
        root.path("emotions").fields().forEachRemaining(e -> lex.put(e.getKey(), strings(e.getValue())));
        this.emotions = java.util.Collections.unmodifiableMap(lex);
        java.util.Set<Long> ids = new java.util.HashSet<>();
        root.path("emotion_tokens").forEach(t -> ids.add(t.asLong()));
        this.emotionTokens = java.util.Set.copyOf(ids);
    }

    /** Reads {@code model.json} from a bundle directory and checks that every file it names exists. */
    public static ModelManifest load(Path dir) {
        Path json = dir.resolve("model.json");
        if (!Files.isRegularFile(json)) {
            throw new ModelException(json + ": model manifest not found");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json.toFile());
        } catch (IOException e) {
            throw new ModelException(json + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        try {
            return new ModelManifest(dir, root);
        } catch (IllegalArgumentException e) {
            throw new ModelException(json + ": " + e.getMessage(), e);
        }
    }

    private Path file(String relative) {
        Path p = dir.resolve(relative);
        if (!Files.isRegularFile(p)) {
            throw new ModelException(p + ": model file not found (named in " + dir.resolve("model.json") + ")");
        }
        return p;
    }

    private static JsonNode node(JsonNode parent, String key) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            throw invalid("missing key '" + key + "'");
        }
        return n;
    }

    private static String text(JsonNode parent, String key) {
        return node(parent, key).asText();
    }

    private static int integer(JsonNode parent, String key) {
        JsonNode n = node(parent, key);
        if (!n.canConvertToInt()) {
            throw invalid("key '" + key + "' must be an integer, got " + n);
        }
        return n.asInt();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }

    private static IllegalArgumentException invalid(String message) {
        return new IllegalArgumentException(message);
    }

    public Path dir() { return dir; }
    public String name() { return name; }
    public MelSettings mel() { return mel; }
    public int encoderDownsample() { return encoderDownsample; }
    /** The prosody front end the models take next to log-mel; empty for a log-mel-only bundle. */
    public java.util.Optional<ProsodySettings> prosody() { return java.util.Optional.ofNullable(prosody); }
    public int contextDim() { return contextDim; }
    public float contextScale() { return contextScale; }
    public int contextFrameMs() { return contextFrameMs; }
    public int vocabSize() { return vocabSize; }
    public int pad() { return pad; }
    public int bos() { return bos; }
    public int eos() { return eos; }
    public int maxCaptionTokens() { return maxCaptionTokens; }
    public DrafterSpec drafter() { return drafter; }
    public Path verifierFile() { return verifierFile; }
    public Path tokenizerFile() { return tokenizerFile; }

    /** SHA-256 (hex) of the tokenizer file: two bundles whose token ids mean the same have the same one. */
    public String tokenizerId() {
        if (tokenizerId == null) {
            tokenizerId = BundleChecksums.sha256(tokenizerFile);
        }
        return tokenizerId;
    }
    /** The token ids of the emotion words (model.json "emotion_tokens"; empty in bundles from before it). */
    public java.util.Set<Long> emotionTokens() { return emotionTokens; }
    /** Emotion label to the caption words that name it (empty when the bundle has no lexicon). */
    public Map<String, List<String>> emotions() { return emotions; }

    /** The prompt that starts every caption: bos then the language token. */
    public long[] prompt(String language) {
        Integer lang = languageTokens.get(language);
        if (lang == null) {
            throw new IllegalArgumentException("language '" + language + "' not in the model (has "
                    + languageTokens.keySet() + ")");
        }
        return new long[] {bos, lang};
    }

    public java.util.Set<String> languages() {
        return languageTokens.keySet();
    }

    /** Encoder steps for a number of log-mel frames: the prosody step (if any), then three stride-2 convolutions. */
    public int encoderSteps(int frames) {
        return prosodySteps + (frames + encoderDownsample - 1) / encoderDownsample;
    }
}
