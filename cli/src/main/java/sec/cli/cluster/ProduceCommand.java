package sec.cli.cluster;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sec.connectors.KafkaSettings;
import sec.connectors.TopicAdmin;
import sec.devkit.CallFrames;
import sec.cli.FrameStreamer;
import sec.schemas.AudioEncoding;
import sec.schemas.AudioFrame;

/**
 * {@code sec produce}: WAV files (or every WAV in a folder) streamed into the frames topic as
 * AudioFrames, all calls at once, at real-time pace or faster. One call per file (stereo: left
 * agent, right customer), or with {@code --pairs} one call per {@code NAME-agent.wav} +
 * {@code NAME-customer.wav} pair.
 */
@Command(name = "produce", mixinStandardHelpOptions = true, description = "Stream WAV files into the frames topic as calls.")
public final class ProduceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Parameters(arity = "1..*", paramLabel = "WAV|DIR", description = "WAV files or folders of them")
    List<Path> inputs;

    @Option(names = "--speed", defaultValue = "1", description = "times real time (default: ${DEFAULT-VALUE}; 0 = as fast as possible)")
    double speed;

    @Option(names = "--fast", description = "as fast as possible (--speed 0)")
    boolean fast;

    @Option(names = "--encoding", defaultValue = "mulaw", description = "mulaw (G.711) or pcm16 (default: ${DEFAULT-VALUE})")
    String encoding;

    @Option(names = "--pairs", description = "mono files NAME-agent.wav and NAME-customer.wav form call NAME")
    boolean pairs;

    @Option(names = "--lang", defaultValue = "auto", description = "caption language of every call; auto: zh when the file"
            + " name has -zh or _zh, en when it has -en or _en, else the job's segmenter.default-language (default: ${DEFAULT-VALUE})")
    String lang;

    @Option(names = "--call-prefix", defaultValue = "", description = "put before every call id (runs that reuse files stay apart)")
    String callPrefix;

    @Option(names = "--stagger-ms", defaultValue = "0", description = "start call i i*MS later")
    long staggerMs;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        AudioEncoding enc = switch (encoding.toLowerCase(Locale.ROOT)) {
            case "mulaw", "ulaw", "mu-law" -> AudioEncoding.MULAW;
            case "pcm16", "pcm16le", "pcm" -> AudioEncoding.PCM16LE;
            default -> throw new IllegalArgumentException("--encoding must be mulaw or pcm16, got '" + encoding + "'");
        };
        Map<String, List<Path>> calls = calls(wavs(inputs), pairs);
        List<List<AudioFrame>> streams = new ArrayList<>();
        int frames = 0;
        for (var call : calls.entrySet()) {
            String language = language(call.getValue().get(0));
            List<AudioFrame> f = CallFrames.of(callPrefix + call.getKey(), call.getValue(), language, enc);
            streams.add(f);
            frames += f.size();
        }
        KafkaSettings kafka = cluster.kafka();
        TopicAdmin.checkAccess(kafka, 30_000);
        if (!TopicAdmin.missing(kafka, List.of(kafka.topics().frames())).isEmpty()) {
            throw new IllegalArgumentException("topic " + kafka.topics().frames() + " does not exist (sec topics create makes it)");
        }
        out.printf("streaming %d calls (%d frames, %s) to %s at %s%n", streams.size(), frames, enc,
                kafka.topics().frames(), fast || speed == 0 ? "full speed" : speed + "x real time");
        out.flush();
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(kafka.clientConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            new FrameStreamer(fast ? 0 : speed, staggerMs).stream(p, kafka.topics().frames(), streams, List.of());
        }
        out.printf("sent %d frames of %d calls in %.1f s%n", frames, streams.size(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private String language(Path wav) {
        return lang.equals("auto") ? CallFrames.languageOf(wav, null) : lang;
    }

    static List<Path> wavs(List<Path> inputs) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                try (Stream<Path> files = Files.list(in)) {
                    files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".wav")).sorted().forEach(out::add);
                }
            } else if (Files.isRegularFile(in)) {
                out.add(in);
            } else {
                throw new IllegalArgumentException("no such file or folder: " + in);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no .wav files in " + inputs);
        }
        return out;
    }

    /** Call id → its files: the file name without .wav, or with pairs the name before -agent/-customer. */
    static Map<String, List<Path>> calls(List<Path> wavs, boolean pairs) {
        Map<String, List<Path>> calls = new TreeMap<>();
        if (!pairs) {
            wavs.forEach(w -> calls.put(w.getFileName().toString().replaceAll("(?i)\\.wav$", ""), List.of(w)));
            return calls;
        }
        Map<String, Path[]> byName = new TreeMap<>();
        for (Path w : wavs) {
            String name = w.getFileName().toString().replaceAll("(?i)\\.wav$", "");
            int side = name.endsWith("-agent") ? 0 : name.endsWith("-customer") ? 1 : -1;
            if (side < 0) {
                throw new IllegalArgumentException("--pairs: " + w + " is not NAME-agent.wav or NAME-customer.wav");
            }
            byName.computeIfAbsent(name.substring(0, name.lastIndexOf('-')), k -> new Path[2])[side] = w;
        }
        byName.forEach((name, pair) -> {
            if (pair[0] == null || pair[1] == null) {
                throw new IllegalArgumentException("--pairs: call " + name + " lacks its " + (pair[0] == null ? "agent" : "customer") + " file");
            }
            calls.put(name, List.of(pair));
        });
        return calls;
    }
}
