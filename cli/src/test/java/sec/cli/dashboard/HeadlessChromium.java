package sec.cli.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's chromium, headless, driven over the DevTools protocol (a WebSocket, the JDK's own
 * client): open a page, evaluate JavaScript in it, take a screenshot. Nothing beyond the browser
 * itself, which {@code ./sec test} installs.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    /** Calls sent and not yet answered, shared with the socket's listener. */
    private final Map<Integer, CompletableFuture<JsonNode>> replies;

    /** The browser: $SEC_CHROMIUM, else Debian's /usr/bin/chromium; a clear failure when neither is there. */
    static Path binary() {
        String env = System.getenv("SEC_CHROMIUM");
        Path p = Path.of(env != null ? env : "/usr/bin/chromium");
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(p + " not found: ./sec test installs Debian's chromium (apt-get install chromium),"
                    + " or set SEC_CHROMIUM to a Chromium binary");
        }
        return p;
    }

    private HeadlessChromium(Process process, WebSocket socket, Map<Integer, CompletableFuture<JsonNode>> replies) {
        this.process = process;
        this.socket = socket;
        this.replies = replies;
    }

    /** Starts the browser on {@code url} with a fresh profile in {@code profile}; its output goes to {@code log}. */
    static HeadlessChromium open(String url, Path profile, Path log) throws Exception {
        Files.createDirectories(profile);
        Process p = new ProcessBuilder(List.of(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "--remote-allow-origins=*",
                "--window-size=1400,1000", url))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            int port = devToolsPort(profile.resolve("DevToolsActivePort"), p);
            HttpClient http = HttpClient.newHttpClient();
            String wsUrl = null;
            for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); wsUrl == null; Thread.sleep(200)) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("chromium opened no page for " + url);
                }
                JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body());
                for (JsonNode t : targets) { // the page once it is ours (it starts as about:blank)
                    if (t.path("type").asText().equals("page") && t.path("url").asText().startsWith(url)) {
                        wsUrl = t.path("webSocketDebuggerUrl").asText();
                    }
                }
            }
            Map<Integer, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(wsUrl), new Replies(replies)).get(30, TimeUnit.SECONDS);
            return new HeadlessChromium(p, ws, replies);
        } catch (Exception e) {
            p.destroyForcibly();
            throw e;
        }
    }

    private static int devToolsPort(Path file, Process p) throws Exception {
        for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); System.nanoTime() < until; Thread.sleep(100)) {
            if (!p.isAlive()) {
                throw new IllegalStateException("chromium exited with " + p.exitValue() + " before it listened");
            }
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                    return Integer.parseInt(lines.get(0).trim());
                }
            }
        }
        throw new IllegalStateException("chromium wrote no " + file + " within 60 s");
    }

    /** Collects the protocol's replies (a message may come in several frames) and completes the call they answer. */
    private static final class Replies implements WebSocket.Listener {
        private final Map<Integer, CompletableFuture<JsonNode>> pending;
        private final StringBuilder partial = new StringBuilder();

        Replies(Map<Integer, CompletableFuture<JsonNode>> pending) {
            this.pending = pending;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode m = JSON.readTree(partial.toString());
                    CompletableFuture<JsonNode> f = m.has("id") ? pending.remove(m.get("id").asInt()) : null;
                    if (f != null) {
                        f.complete(m);
                    }
                } catch (Exception e) {
                    // an event we cannot parse is not a reply anyone waits for
                } finally {
                    partial.setLength(0);
                }
            }
            ws.request(1);
            return null;
        }
    }

    private JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        replies.put(id, reply);
        ObjectNode m = JSON.createObjectNode().put("id", id).put("method", method);
        m.set("params", params);
        socket.sendText(m.toString(), true).get(10, TimeUnit.SECONDS);
        JsonNode r = reply.get(30, TimeUnit.SECONDS);
        if (r.has("error")) {
            throw new IllegalStateException(method + ": " + r.get("error"));
        }
        return r.get("result");
    }

    /** The value of a JavaScript expression evaluated in the page. */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression).put("returnByValue", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException(expression + ": " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** The page as PNG bytes. */
    byte[] screenshot() throws Exception {
        return Base64.getDecoder().decode(call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"))
                .get("data").asText());
    }

    @Override
    public void close() throws Exception {
        socket.abort();
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
