package sec.inference.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import sec.inference.model.ModelException;

/**
 * The shared tokenizer: Hugging Face {@code tokenizer.json} through DJL's tokenizers binding for
 * encoding; decoding joins tokens as the recipe does (no space before punctuation or around CJK
 * characters), since the word-level model has no decoder of its own.
 */
public final class CaptionTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final String[] tokens;
    private final Set<Integer> special = new HashSet<>();

    private CaptionTokenizer(HuggingFaceTokenizer tokenizer, String[] tokens, Set<Integer> special) {
        this.tokenizer = tokenizer;
        this.tokens = tokens;
        this.special.addAll(special);
    }

    /** The bundle's tokenizer, refused when its vocabulary is not the size the manifest (and so the models) use. */
    public static CaptionTokenizer load(sec.inference.model.ModelManifest manifest) {
        CaptionTokenizer tok = load(manifest.tokenizerFile());
        if (tok.vocabSize() != manifest.vocabSize()) {
            tok.close();
            throw new ModelException(manifest.tokenizerFile() + ": tokenizer has " + tok.vocabSize()
                    + " tokens, model.json says " + manifest.vocabSize());
        }
        return tok;
    }

    /**
     * The bundle's tokenizer handed to {@code rest}, which loads the models that go with it; when
     * that fails the tokenizer is closed before the error goes on (EdgeModels, CloudModels).
     */
    public static <T> T loadWith(sec.inference.model.ModelManifest manifest, java.util.function.Function<CaptionTokenizer, T> rest) {
        CaptionTokenizer tok = load(manifest);
        try {
            return rest.apply(tok);
        } catch (RuntimeException e) {
            tok.close();
            throw e;
        }
    }

    public static CaptionTokenizer load(Path file) {
        Vocabulary v = vocabulary(file);
        try {
            return new CaptionTokenizer(HuggingFaceTokenizer.newInstance(file), v.tokens(), v.special());
        } catch (IOException | RuntimeException e) {
            throw new ModelException(file + ": tokenizer could not be loaded (" + e.getMessage() + ")", e);
        }
    }

    /** Tokens by id and the ids of special tokens (bos, eos, languages...) that decoded text leaves out. */
    public record Vocabulary(String[] tokens, Set<Integer> special) {
        public Vocabulary {
            tokens = tokens.clone();
            special = Set.copyOf(special);
        }

        public String token(int id) {
            return id >= 0 && id < tokens.length ? tokens[id] : "<unk>";
        }
    }

    /** A tokenizer.json's word-level vocabulary, read without the native tokenizer (the dashboard needs only this). */
    public static Vocabulary vocabulary(Path file) {
        JsonNode root = read(file);
        JsonNode vocab = root.path("model").path("vocab");
        if (!vocab.isObject() || vocab.isEmpty()) {
            throw new ModelException(file + ": tokenizer.json has no model.vocab");
        }
        String[] tokens = new String[vocab.size()];
        vocab.fields().forEachRemaining(e -> {
            int id = e.getValue().asInt();
            if (id < 0 || id >= tokens.length) {
                throw new ModelException(file + ": token id " + id + " outside 0.." + (tokens.length - 1));
            }
            tokens[id] = e.getKey();
        });
        Set<Integer> special = new HashSet<>();
        root.path("added_tokens").forEach(t -> {
            if (t.path("special").asBoolean()) {
                special.add(t.path("id").asInt());
            }
        });
        return new Vocabulary(tokens, special);
    }

    private static JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelException(file + ": tokenizer file not found");
        }
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelException(file + ": not a readable tokenizer.json (" + e.getMessage() + ")", e);
        }
    }

    /** Whether decoded text puts a space between a token and the one before it (ending in {@code prev}). */
    public static boolean spaceBetween(char prev, char next) {
        return !glues(prev, next);
    }

    /** Token ids of a caption, without special tokens. */
    public long[] encode(String text) {
        Encoding enc = tokenizer.encode(text, false, false);
        return enc.getIds();
    }

    public int vocabSize() {
        return tokens.length;
    }

    public String token(int id) {
        return id >= 0 && id < tokens.length ? tokens[id] : "<unk>";
    }

    public String decode(long[] ids) {
        return decode(ids, ids.length);
    }

    /** Decodes the first {@code length} ids; special tokens are skipped. */
    public String decode(long[] ids, int length) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int id = (int) ids[i];
            if (special.contains(id)) {
                continue;
            }
            String tok = token(id);
            if (out.length() > 0 && spaceBetween(out.charAt(out.length() - 1), tok.charAt(0))) {
                out.append(' ');
            }
            out.append(tok);
        }
        return out.toString();
    }

    private static boolean glues(char prev, char next) {
        return isPunctuation(next) || isCjk(next) || isCjk(prev)
                || (isPunctuation(prev) && prev != ',' && prev != '.');
    }

    static boolean isCjk(char c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF);
    }

    static boolean isPunctuation(char c) {
        if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
