package sec.bench;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import sec.connectors.AvroCodec;
import sec.inference.AudioFeatures;
import sec.inference.EdgeModels;
import sec.inference.FeatureExtractor;
import sec.inference.audio.PcmAudio;
import sec.inference.audio.WavReader;
import sec.inference.decode.Logits;
import sec.inference.drafter.DraftSession;
import sec.inference.drafter.Drafter;
import sec.inference.drafter.EncodedAudio;
import sec.inference.model.ModelManifest;
import sec.schemas.AudioEncoding;
import sec.schemas.AudioFrame;
import sec.schemas.Channel;

/**
 * The per-token and per-frame work of the edge, one benchmark each: log-mel of a held-out
 * utterance, one drafter decoder step (with its KV cache handling), entropy and rank of a logit
 * row (what gates and accepts every token), Avro encode and decode of a 20 ms G.711 frame.
 * Models and audio come from {@code -Dsec.models.dir} (./sec jmh sets it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true"})
public class HotPaths {
    /** Seconds of audio behind the decoder step (its cross-attention reads them all on every step). */
    @org.openjdk.jmh.annotations.Param({"4", "12"})
    int audioSeconds = 4;

    EdgeModels edge;
    ModelManifest manifest;
    FeatureExtractor features;
    PcmAudio utterance;
    Drafter drafter;
    DraftSession session;
    int stepBase;
    float[] logits;
    AvroCodec<AudioFrame> codec;
    AudioFrame frame;
    byte[] frameBytes;

    @Setup(Level.Trial)
    public void load() throws Exception {
        Path models = Path.of(System.getProperty("sec.models.dir", "models"));
        edge = EdgeModels.load(models.resolve("bundled"));
        manifest = edge.manifest();
        features = edge.features();
        Path wav;
        try (var files = Files.list(models.resolve("eval/en"))) {
            wav = files.filter(p -> p.toString().endsWith(".wav")).sorted().findFirst().orElseThrow();
        }
        utterance = WavReader.read(wav);
        drafter = edge.drafter();
        float[] mono = utterance.mono();
        float[] tiled = new float[audioSeconds * utterance.sampleRate()];
        for (int i = 0; i < tiled.length; i++) {
            tiled[i] = mono[i % mono.length];
        }
        EncodedAudio audio = drafter.encode(features.features(PcmAudio.mono(utterance.sampleRate(), tiled), 0, wav.toString()));
        session = drafter.start(audio, manifest.prompt("en"));
        for (long t : new long[] {10, 11, 12, 13, 14, 15, 16, 17, 18, 19}) { // a caption half-way
            drafter.feed(session, t);
        }
        stepBase = session.length();
        logits = session.lastLogits();
        codec = new AvroCodec<>(AudioFrame.class);
        frame = AudioFrame.newBuilder().setCallId("call-0001").setChannel(Channel.CUSTOMER).setSeq(1234).setStartMs(24_680)
                .setSampleRate(8000).setEncoding(AudioEncoding.MULAW).setPayload(ByteBuffer.wrap(new byte[160]))
                .setLast(false).setLanguage("en").build();
        frameBytes = codec.encode(frame);
    }

    @TearDown(Level.Trial)
    public void close() {
        edge.close();
    }

    /** The front end of one utterance: log-mel and, with a prosody bundle, the pitch track and prosody statistics. */
    @Benchmark
    public AudioFeatures frontEnd() {
        return features.features(utterance, 0, "bench");
    }

    /** One token fed after a 12-token prefix, then rolled back so every call does the same step. */
    @Benchmark
    public float[] decoderStep() {
        float[] out = drafter.feed(session, 42);
        session.cache().truncate(stepBase);
        return out;
    }

    @Benchmark
    public double entropyAndRank() {
        return Logits.entropy(logits) + Logits.rank(logits, 42);
    }

    @Benchmark
    public byte[] avroEncodeFrame() {
        return codec.encode(frame);
    }

    @Benchmark
    public AudioFrame avroDecodeFrame() {
        return codec.decode(frameBytes);
    }
}
