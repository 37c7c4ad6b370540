package sec.inference;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sec.inference.audio.InvalidAudioException;
import sec.inference.decode.SpeculationConfig;
import sec.inference.model.ModelException;

/** Bad input gets one clear line naming the file and the problem, not a stack trace from deep inside. */
class CaptionEngineErrorsTest {
    private static final SpeculationConfig EDGE = SpeculationConfig.defaults().withMode(SpeculationConfig.Mode.EDGE);
    private static CaptionEngine engine;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        engine = new CaptionEngine(TestModels.bundle(), EDGE, CaptionEngine.Network.none());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static byte[] pcm16Wav(int rate, int samples) {
        float[] x = new float[samples];
        for (int i = 0; i < samples; i++) {
            x[i] = (float) (3000 * Math.sin(i * 0.05) / 32768.0);
        }
        return pcm16Wav(rate, x);
    }

    /** A mono PCM16 WAV of samples in [-1, 1]. */
    static byte[] pcm16Wav(int rate, float[] x) {
        int samples = x.length;
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * samples).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate)
                .putInt(rate * 2).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes()).putInt(2 * samples);
        for (float v : x) {
            b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(v * 32768.0))));
        }
        return b.array();
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static void assertNames(RuntimeException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention " + p);
        }
        assertTrue(e.getMessage().lines().count() == 1, "one line: " + e.getMessage());
    }

    @Test
    void unreadableWav() throws IOException {
        Path f = file("garbage.wav", "this is not audio".getBytes());
        assertNames(assertThrows(InvalidAudioException.class, () -> engine.caption(f, "en", 0)), "garbage.wav");
    }

    @Test
    void emptyAudio() throws IOException {
        Path f = file("empty.wav", pcm16Wav(8000, 0));
        assertNames(assertThrows(InvalidAudioException.class, () -> engine.caption(f, "en", 0)), "empty.wav");
    }

    @Test
    void sampleRateTheModelCannotUse() throws IOException {
        Path f = file("low.wav", pcm16Wav(2000, 4000));
        assertNames(assertThrows(InvalidAudioException.class, () -> engine.caption(f, "en", 0)), "low.wav", "2000 Hz");
    }

    @Test
    void longerThanTheModelLimit() throws IOException {
        Path f = file("long.wav", pcm16Wav(8000, 8000 * 13));
        assertNames(assertThrows(InvalidAudioException.class, () -> engine.caption(f, "en", 0)), "long.wav", "13.0 s");
    }

    @Test
    void unknownLanguage() throws IOException {
        Path f = file("ok.wav", pcm16Wav(8000, 16000));
        assertNames(assertThrows(IllegalArgumentException.class, () -> engine.caption(f, "fr", 0)), "fr");
    }

    private Path copyBundle() throws IOException {
        Path dst = tmp.resolve("bundle");
        try (Stream<Path> files = Files.walk(TestModels.bundle())) {
            for (Path src : (Iterable<Path>) files::iterator) {
                Path to = dst.resolve(TestModels.bundle().relativize(src).toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(to);
                } else if (!src.getFileName().toString().equals("verifier.pt")) {
                    Files.copy(src, to);
                } else {
                    Files.createSymbolicLink(to, src);
                }
            }
        }
        return dst;
    }

    @Test
    void missingModelFile() throws IOException {
        Path bundle = copyBundle();
        Files.delete(bundle.resolve("drafter/decoder.onnx"));
        assertNames(assertThrows(ModelException.class, () -> new CaptionEngine(bundle, EDGE, CaptionEngine.Network.none())),
                "decoder.onnx", "not found");
    }

    @Test
    void missingCrossKvFile() throws IOException {
        Path bundle = copyBundle();
        Files.delete(bundle.resolve("drafter/cross_kv.onnx"));
        assertNames(assertThrows(ModelException.class, () -> BundleCheck.edge(bundle)), "cross_kv.onnx", "not found");
    }

    /** A manifest without the prosody front end for encoders that take it: the encoder and both input sets are named. */
    @Test
    void aManifestThatLeavesOutTheProsodyTheEncodersTake() throws IOException {
        Path bundle = copyBundle();
        Path manifest = bundle.resolve("model.json");
        com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(manifest.toFile());
        root.remove("prosody");
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("encoder")).remove("prosody_steps");
        Files.writeString(manifest, root.toString());
        assertNames(assertThrows(ModelException.class, () -> new CaptionEngine(bundle, EDGE, CaptionEngine.Network.none())),
                "encoder.onnx", "prosody", "log_mel");
    }

    @Test
    void aProsodySectionWithoutTheProsodyStep() throws IOException {
        Path bundle = copyBundle();
        Path manifest = bundle.resolve("model.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"prosody_steps\": 1", "\"prosody_steps\": 0"));
        assertNames(assertThrows(ModelException.class, () -> new CaptionEngine(bundle, EDGE, CaptionEngine.Network.none())),
                "model.json", "prosody_steps");
    }

    /** Manifest names the models do not have: the file that lacks them is named, with both name sets. */
    @Test
    void crossInputNamesThatTheModelsDoNotHave() throws IOException {
        Path bundle = copyBundle();
        Path manifest = bundle.resolve("model.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"cross_key_1\",", "\"cross_k_1\","));
        assertNames(assertThrows(ModelException.class, () -> BundleCheck.edge(bundle)), "cross_kv.onnx", "cross_k_1",
                "cross_key_1");
    }

    /** A bundle whose decoder still takes encoder_states (exported before the split) says how to split it. */
    @Test
    void aBundleFromBeforeTheCrossKvSplit() throws IOException {
        Path bundle = copyBundle();
        Path manifest = bundle.resolve("model.json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"cross_kv\": \"[^\"]*\",", ""));
        assertNames(assertThrows(ModelException.class, () -> BundleCheck.edge(bundle)), "model.json", "cross_kv",
                "split_cross_kv.py");
    }

    @Test
    void corruptModelFile() throws IOException {
        Path bundle = copyBundle();
        Files.write(bundle.resolve("drafter/encoder.onnx"), new byte[] {1, 2, 3, 4});
        assertNames(assertThrows(ModelException.class, () -> new CaptionEngine(bundle, EDGE, CaptionEngine.Network.none())),
                "encoder.onnx");
    }

    @Test
    void corruptVerifier() throws IOException {
        Path bundle = copyBundle();
        Files.delete(bundle.resolve("verifier/verifier.pt"));
        Files.write(bundle.resolve("verifier/verifier.pt"), "not torchscript".getBytes());
        SpeculationConfig ugsd = SpeculationConfig.defaults();
        assertNames(assertThrows(ModelException.class, () -> new CaptionEngine(bundle, ugsd, CaptionEngine.Network.none())),
                "verifier.pt");
    }

    @Test
    void manifestThatDoesNotMatchTheTokenizer() throws IOException {
        Path bundle = copyBundle();
        Path manifest = bundle.resolve("model.json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"vocab_size\": \\d+", "\"vocab_size\": 999"));
        assertNames(assertThrows(ModelException.class, () -> new CaptionEngine(bundle, EDGE, CaptionEngine.Network.none())),
                "tokenizer.json", "999");
    }

    @Test
    void manifestMissing() {
        assertNames(assertThrows(ModelException.class, () -> new CaptionEngine(tmp, EDGE, CaptionEngine.Network.none())),
                "model.json");
    }

    /** A tokenizer and manifest of 160 tokens beside models of 157: both halves refuse, naming their model. */
    @Test
    void modelsWithAnotherVocabularyThanTheTokenizer() throws IOException {
        Path bundle = copyBundle();
        Path tokenizer = bundle.resolve("tokenizer.json");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(tokenizer.toFile());
        var vocab = (com.fasterxml.jackson.databind.node.ObjectNode) root.path("model").path("vocab");
        int size = vocab.size();
        for (int i = 0; i < 3; i++) {
            vocab.put("extra" + i, size + i);
        }
        json.writeValue(tokenizer.toFile(), root);
        Path manifest = bundle.resolve("model.json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"vocab_size\": \\d+", "\"vocab_size\": " + (size + 3)));
        assertNames(assertThrows(ModelException.class, () -> BundleCheck.edge(bundle)), "decoder.onnx",
                String.valueOf(size), String.valueOf(size + 3));
        assertNames(assertThrows(ModelException.class, () -> BundleCheck.cloud(bundle)), "verifier.pt",
                String.valueOf(size), String.valueOf(size + 3));
    }

    @Test
    void aManifestWithOtherMelBinsThanTheEncoder() throws IOException {
        Path bundle = copyBundle();
        Path manifest = bundle.resolve("model.json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"n_mels\": \\d+", "\"n_mels\": 64"));
        assertNames(assertThrows(ModelException.class, () -> BundleCheck.edge(bundle)), "encoder.onnx", "40", "64");
    }

    @Test
    void aGoodBundlePassesBothChecks() {
        BundleCheck.edge(TestModels.bundle());
        BundleCheck.cloud(TestModels.bundle());
    }
}
