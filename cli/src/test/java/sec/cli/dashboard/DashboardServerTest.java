package sec.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sec.connectors.AvroCodec;
import sec.devkit.EmbeddedKafka;
import sec.connectors.KafkaSettings;
import sec.connectors.TopicAdmin;
import sec.cli.SecCli;
import sec.schemas.Channel;
import sec.schemas.EmotionAlert;
import sec.schemas.EmotionCaption;
import sec.schemas.Provenance;

/** The page's server on a real broker: captions and alerts from the topics become server-sent events. */
class DashboardServerTest {
    private static final Path TOKENIZER = SecCli.modelsDir().resolve("bundled").resolve("tokenizer.json");
    private static EmbeddedKafka kafka;
    private static KafkaSettings settings;

    @BeforeAll
    static void broker() throws Exception {
        kafka = EmbeddedKafka.start();
        settings = KafkaSettings.of(kafka.bootstrapServers());
        TopicAdmin.createMissing(settings, 2, (short) 1);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void captionsAndAlertsArriveAsEventsWithEachTokensProvenance() throws Exception {
        var vocab = sec.inference.text.CaptionTokenizer.vocabulary(TOKENIZER);
        int eos = 3;
        int angry = indexOf(vocab.tokens(), "angry");
        int the = indexOf(vocab.tokens(), "the");
        int period = indexOf(vocab.tokens(), ".");
        EmotionCaption caption = EmotionCaption.newBuilder().setCallId("call-x").setUtteranceId("call-x/CUSTOMER/1000")
                .setChannel(Channel.CUSTOMER).setStartMs(1000).setEndMs(2500).setLanguage("en").setText("the angry.")
                .setTokenIds(List.of(the, angry, period, eos))
                .setProvenance(List.of(Provenance.EDGE, Provenance.CORRECTED, Provenance.VERIFIED, Provenance.EDGE))
                .setEmotion("angry").setFinal$(true).setDrafted(10).setSent(4).setAccepted(3).setCorrected(1)
                .setCaptionLatencyMs(120).setDrafterModelId("m").build();
        EmotionAlert alert = EmotionAlert.newBuilder().setCallId("call-x").setRule("customer-angry")
                .setChannel(Channel.CUSTOMER).setUtteranceId("call-x/CUSTOMER/1000").setEmotion("angry").setAtMs(2500)
                .setMessage("CUSTOMER: angry").build();
        try (DashboardServer server = DashboardServer.start(settings, "127.0.0.1", 0, Duration.ofMinutes(5), TOKENIZER);
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.clientConfig(), new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(settings.topics().captions(), "call-x".getBytes(),
                    new AvroCodec<>(EmotionCaption.class).encode(caption))).get();
            producer.send(new ProducerRecord<>(settings.topics().captions(), "call-x".getBytes(), new byte[] {1, 2, 3})).get();
            producer.send(new ProducerRecord<>(settings.topics().alerts(), "call-x".getBytes(),
                    new AvroCodec<>(EmotionAlert.class).encode(alert))).get();

            HttpClient http = HttpClient.newHttpClient();
            String index = http.send(HttpRequest.newBuilder(URI.create(server.url())).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(index.contains("dashboard.js"), index);
            assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(server.url() + "secret")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());

            List<JsonNode> events = readEvents(http, server.url() + "events");
            JsonNode c = events.stream().filter(e -> e.get("type").asText().equals("caption")).findFirst().orElseThrow();
            assertEquals("customer", c.get("channel").asText());
            assertEquals(3, c.get("tokens").size(), "<eos> is not shown: " + c);
            assertEquals("angry", c.get("tokens").get(1).get("t").asText());
            assertEquals("CORRECTED", c.get("tokens").get(1).get("p").asText());
            assertTrue(c.get("tokens").get(1).get("space").asBoolean());
            assertFalse(c.get("tokens").get(2).get("space").asBoolean(), "no space before a full stop");
            JsonNode a = events.stream().filter(e -> e.get("type").asText().equals("alert")).findFirst().orElseThrow();
            assertEquals("customer-angry", a.get("rule").asText());
            JsonNode stats = events.stream().filter(e -> e.get("type").asText().equals("stats")).reduce((x, y) -> y).orElseThrow();
            assertEquals(0.4, stats.get("rho").asDouble(), 1e-9);
        }
    }

    @Test
    void theCommandServesThePageForABrokerAndStops() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = SecCli.execute(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), "dashboard",
                "--bootstrap", kafka.bootstrapServers(), "--port", "0", "--stop-after-s", "1");
        assertEquals(0, code, out + "\n" + err);
        assertTrue(out.toString().matches("(?s)dashboard: http://127\\.0\\.0\\.1:\\d+/\\s*"), out.toString());
    }

    @Test
    void aMissingTopicIsNamed() {
        java.io.StringWriter err = new java.io.StringWriter();
        int code = SecCli.execute(new java.io.PrintWriter(new java.io.StringWriter(), true), new java.io.PrintWriter(err, true),
                "dashboard", "--bootstrap", kafka.bootstrapServers(), "--port", "0", "--stop-after-s", "1",
                "--set", "kafka.topic.captions=no-such-topic");
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("no-such-topic not found"), err.toString());
    }

    /** Events from the stream until a caption, an alert and figures with a ρ have come. */
    private static List<JsonNode> readEvents(HttpClient http, String url) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        List<JsonNode> events = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        long until = System.currentTimeMillis() + 30_000;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while (System.currentTimeMillis() < until && (line = in.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    events.add(json.readTree(line.substring(6)));
                    boolean caption = events.stream().anyMatch(e -> e.get("type").asText().equals("caption"));
                    boolean alert = events.stream().anyMatch(e -> e.get("type").asText().equals("alert"));
                    boolean stats = events.stream().anyMatch(e -> e.get("type").asText().equals("stats") && !e.get("rho").isNull());
                    if (caption && alert && stats) {
                        return events;
                    }
                }
            }
        }
        throw new AssertionError("not every kind of event within 30 s: " + events);
    }

    private static int indexOf(String[] tokens, String token) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].equals(token)) {
                return i;
            }
        }
        throw new AssertionError(token + " not in the vocabulary");
    }
}
