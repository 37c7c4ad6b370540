package sec.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sec.connectors.AvroCodec;
import sec.devkit.EmbeddedKafka;
import sec.connectors.KafkaSettings;
import sec.cli.SecCli;
import sec.schemas.AudioEncoding;
import sec.schemas.AudioFrame;
import sec.schemas.Channel;
import sec.schemas.EmotionCaption;
import sec.schemas.Provenance;

/** sec topics create, sec produce and sec captions against a real (embedded) broker. */
class ClusterCommandsTest {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.close();
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = SecCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new String[] {String.valueOf(rc), out.toString(), err.toString()};
    }

    @Test
    void topicsAreCreatedOnceUnderTheirConfiguredNames() {
        String[] first = run("topics", "create", "--bootstrap", kafka.bootstrapServers(), "--partitions", "2",
                "--set", "kafka.topic.captions=t1.captions");
        assertEquals("0", first[0], first[2]);
        assertTrue(first[1].contains("t1.captions") && first[1].contains("created (2 partitions)"), first[1]);
        String[] again = run("topics", "create", "--bootstrap", kafka.bootstrapServers(), "--set", "kafka.topic.captions=t1.captions");
        assertEquals(10, again[1].lines().filter(l -> l.endsWith("exists")).count(), again[1]);
        assertTrue(first[1].lines().anyMatch(l -> l.startsWith("sec.models ") && l.endsWith("created (1 partitions)")),
                "the control topic has one partition: " + first[1]);
        String[] typo = run("topics", "create", "--bootstrap", kafka.bootstrapServers(), "--set", "kafka.topik.captions=x");
        assertEquals("2", typo[0]);
        assertTrue(typo[2].startsWith("error: unknown setting(s) [kafka.topik.captions]"), typo[2]);
    }

    @Test
    void aPairOfMonoFilesBecomesOneTwoChannelCallOfPcmFrames(@TempDir Path dir) throws Exception {
        writeWav(dir.resolve("c7-agent.wav"), 8000, 1.0);
        writeWav(dir.resolve("c7-customer.wav"), 16000, 1.0); // resampled to 8 kHz
        String frames = "t2.frames." + UUID.randomUUID();
        String[] missing = run("produce", "--bootstrap", kafka.bootstrapServers(), "--set", "kafka.topic.frames=" + frames,
                "--fast", "--pairs", dir.toString());
        assertEquals("2", missing[0]);
        assertEquals("error: topic " + frames + " does not exist (sec topics create makes it)", missing[2].strip());
        run("topics", "create", "--bootstrap", kafka.bootstrapServers(), "--set", "kafka.topic.frames=" + frames);
        String[] r = run("produce", "--bootstrap", kafka.bootstrapServers(), "--set", "kafka.topic.frames=" + frames,
                "--fast", "--encoding", "pcm16", "--pairs", "--call-prefix", "x-", dir.toString());
        assertEquals("0", r[0], r[2]);
        List<AudioFrame> got = read(frames, AudioFrame.class, 100);
        assertEquals(100, got.size(), "1 s of two channels in 20 ms frames");
        for (AudioFrame f : got) {
            assertEquals("x-c7", f.getCallId());
            assertEquals(AudioEncoding.PCM16LE, f.getEncoding());
            assertEquals(320, f.getPayload().remaining(), "20 ms of 16-bit samples at 8 kHz");
            assertNull(f.getLanguage(), "no -en/-zh in the name: the job's default language");
        }
        assertEquals(50, got.stream().filter(f -> f.getChannel() == Channel.AGENT).count());
        assertEquals(2, got.stream().filter(AudioFrame::getLast).count(), "each channel's last frame is marked");

        writeWav(dir.resolve("lonely-agent.wav"), 8000, 0.2);
        String[] unpaired = run("produce", "--bootstrap", kafka.bootstrapServers(), "--fast", "--pairs", dir.toString());
        assertEquals("2", unpaired[0]);
        assertTrue(unpaired[2].contains("call lonely lacks its customer file"), unpaired[2]);
    }

    @Test
    void aStereoFileIsOneMulawCallWithItsLanguageFromTheName() throws Exception {
        Path call = Path.of(System.getProperty("sec.models.dir"), "calls", "call-08-zh.wav");
        String frames = "t3.frames." + UUID.randomUUID();
        run("topics", "create", "--bootstrap", kafka.bootstrapServers(), "--set", "kafka.topic.frames=" + frames);
        String[] r = run("produce", "--bootstrap", kafka.bootstrapServers(), "--set", "kafka.topic.frames=" + frames,
                "--speed", "0", call.toString());
        assertEquals("0", r[0], r[2]);
        AudioFrame first = read(frames, AudioFrame.class, 1).get(0);
        assertEquals("call-08-zh", first.getCallId());
        assertEquals("zh", first.getLanguage());
        assertEquals(AudioEncoding.MULAW, first.getEncoding());
        assertEquals(160, first.getPayload().remaining());
    }

    @Test
    void captionsShowsOnlyCommittedCaptionsAsJsonLines(@TempDir Path dir) throws Exception {
        String captions = "t4.captions." + UUID.randomUUID();
        KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), Map.of(), new KafkaSettings.Topics(
                "t4.f", "t4.c", "t4.r", "t4.v", captions, "t4.p", "t4.d", "t4.a", "t4.m", "t4.ms"), "t4", "t4");
        sec.connectors.TopicAdmin.createMissing(settings, 1, (short) 1);
        AvroCodec<EmotionCaption> codec = new AvroCodec<>(EmotionCaption.class);
        Properties p = settings.clientConfig();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "t4-" + UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(captions, codec.encode(caption("a/AGENT/0", "calm speech"))));
            producer.send(new ProducerRecord<>(captions, codec.encode(caption("a/CUSTOMER/0", "angry speech"))));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(captions, codec.encode(caption("a/AGENT/900", "rolled back"))));
            producer.abortTransaction();
        }
        Path out = dir.resolve("captions.jsonl");
        String[] r = run("captions", "--bootstrap", kafka.bootstrapServers(), "--set", "kafka.topic.captions=" + captions,
                "--from-beginning", "--idle-s", "10", "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size(), String.join("\n", lines));
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertEquals("a/AGENT/0", json.readTree(lines.get(0)).get("utteranceId").asText());
        assertEquals("angry speech", json.readTree(lines.get(1)).get("text").asText());
    }

    @Test
    void submittingWithoutTheRequiredSettingsStopsBeforeAnyUpload() {
        String[] r = run("edge", "--rest", "http://127.0.0.1:9", "--bootstrap", "b:9092");
        assertEquals("2", r[0]);
        assertEquals("error: setting 'models.dir' is required", r[2].strip());
        assertThrows(IllegalArgumentException.class, () -> ProduceCommand.calls(List.of(Path.of("x.wav")), true));
    }

    private static EmotionCaption caption(String utterance, String text) {
        return EmotionCaption.newBuilder().setCallId("a").setUtteranceId(utterance).setChannel(Channel.AGENT).setStartMs(0)
                .setEndMs(1000).setLanguage("en").setText(text).setTokenIds(List.of(1, 2)).setProvenance(List.of(Provenance.EDGE,
                        Provenance.EDGE)).setFinal$(true).setDrafted(2).setSent(0).setAccepted(0).setCorrected(0)
                .setCaptionLatencyMs(5).setDrafterModelId("m").build();
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> read(String topic, Class<T> type, int atLeast) {
        Properties c = KafkaSettings.of(kafka.bootstrapServers()).clientConfig();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "t-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        AvroCodec<T> codec = new AvroCodec<>(type);
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            int quiet = 0;
            while (System.currentTimeMillis() < deadline && (out.size() < atLeast || quiet < 2)) {
                var records = consumer.poll(Duration.ofMillis(500));
                quiet = records.isEmpty() ? quiet + 1 : 0;
                records.forEach(r -> out.add(codec.decode(r.value())));
            }
        }
        return out;
    }

    /** A mono 16-bit PCM WAV of a 300 Hz tone. */
    private static void writeWav(Path file, int rate, double seconds) throws Exception {
        int n = (int) (rate * seconds);
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * n).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(2 * n);
        for (int i = 0; i < n; i++) {
            b.putShort((short) (8000 * Math.sin(2 * Math.PI * 300 * i / rate)));
        }
        Files.write(file, b.array());
    }
}
