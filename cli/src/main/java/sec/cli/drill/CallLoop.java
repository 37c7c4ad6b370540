package sec.cli.drill;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import sec.cli.FrameStreamer;
import sec.connectors.KafkaSettings;
import sec.schemas.AudioFrame;
import sec.schemas.EmotionCaption;

/**
 * The drill's telephony side: the bundled calls streamed in real time, round after round, each
 * round's call ids prefixed {@code r<N>-} so every round's utterances are new, until {@link #finish()}
 * is asked for; then the round under way ends and the loop stops.
 */
final class CallLoop extends Thread {
    /** A round's id prefix and the wall-clock time (epoch ms) its calls started. */
    record Round(String prefix, long startMs) {}

    private final KafkaSettings kafka;
    private final Map<String, List<AudioFrame>> calls;
    private final List<Round> rounds = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean finishing;
    private volatile Exception failure;

    CallLoop(KafkaSettings kafka, Map<String, List<AudioFrame>> calls) {
        super("drill-calls");
        this.kafka = kafka;
        this.calls = calls;
        setDaemon(true);
    }

    @Override
    public void run() {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int n = 1; !finishing; n++) {
                String prefix = "r" + n + "-";
                List<List<AudioFrame>> streams = new ArrayList<>();
                for (List<AudioFrame> call : calls.values()) {
                    streams.add(call.stream().map(f -> AudioFrame.newBuilder(f).setCallId(prefix + f.getCallId()).build()).toList());
                }
                rounds.add(new Round(prefix, System.currentTimeMillis()));
                new FrameStreamer(1, 0).stream(producer, kafka.topics().frames(), streams, List.of());
            }
        } catch (Exception e) {
            failure = e;
        }
    }

    /** Ends the loop after the round under way; returns every round streamed. */
    List<Round> finish() throws Exception {
        finishing = true;
        join();
        if (failure != null) {
            throw new IllegalStateException("streaming the calls failed: " + failure.getMessage(), failure);
        }
        return List.copyOf(rounds);
    }

    /** Whether the caption's utterance ended (its audio was streamed) after {@code t}: work a recovered job did. */
    boolean endedAfter(EmotionCaption c, long t) {
        synchronized (rounds) {
            for (Round r : rounds) {
                if (c.getCallId().startsWith(r.prefix())) {
                    return r.startMs() + c.getEndMs() > t;
                }
            }
        }
        return false;
    }
}
