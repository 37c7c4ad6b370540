package sec.cli.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import sec.connectors.KafkaSettings;
import sec.inference.text.CaptionTokenizer;

/**
 * The supervisor page: the JDK's own HTTP server serving three static files (no build step, nothing
 * fetched by the browser from elsewhere) and {@code /events}, a server-sent event stream of captions,
 * alerts and figures from {@link DashboardFeed}. At most {@link #MAX_PAGES} pages at once, each
 * holding one thread while open; more get 503.
 */
public final class DashboardServer implements AutoCloseable {
    static final int MAX_PAGES = 32;
    private static final long KEEP_ALIVE_MS = 15_000;
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html", "/index.html", "index.html", "/dashboard.js", "dashboard.js", "/dashboard.css", "dashboard.css");

    private final HttpServer http;
    private final ExecutorService threads;
    private final DashboardHub hub = new DashboardHub(5_000, 1_000);
    private final Semaphore pages = new Semaphore(MAX_PAGES);
    private final DashboardFeed feed;
    private volatile boolean closing;

    private DashboardServer(KafkaSettings kafka, String host, int port, Duration since, Path tokenizer) throws IOException {
        DashboardEvents events = new DashboardEvents(CaptionTokenizer.vocabulary(tokenizer));
        http = HttpServer.create(new InetSocketAddress(host, port), 0);
        threads = Executors.newFixedThreadPool(MAX_PAGES + 4, r -> {
            Thread t = new Thread(r, "sec-dashboard-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(threads);
        http.createContext("/events", this::events);
        http.createContext("/", this::file);
        feed = new DashboardFeed(kafka, since, hub, events);
        http.start();
    }

    /**
     * Starts reading {@code kafka}'s caption and alert topics from {@code since} ago and serving the
     * page on {@code host:port} (port 0: any free one; see {@link #url()}).
     */
    public static DashboardServer start(KafkaSettings kafka, String host, int port, Duration since, Path tokenizer)
            throws IOException {
        return new DashboardServer(kafka, host, port, since, tokenizer);
    }

    public String url() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString();
        return "http://" + host + ":" + a.getPort() + "/";
    }

    private void file(HttpExchange ex) throws IOException {
        try (ex) {
            String name = FILES.get(ex.getRequestURI().getPath());
            if (name == null || !ex.getRequestMethod().equals("GET")) {
                send(ex, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] body;
            try (InputStream in = DashboardServer.class.getResourceAsStream("/sec/dashboard/" + name)) {
                body = in.readAllBytes();
            }
            String type = name.endsWith(".html") ? "text/html" : name.endsWith(".js") ? "text/javascript" : "text/css";
            send(ex, 200, type + "; charset=utf-8", body);
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    /** One page's event stream: the replay, then events as they come, a comment line as keep-alive. */
    private void events(HttpExchange ex) throws IOException {
        try (ex) {
            if (!pages.tryAcquire()) {
                send(ex, 503, "text/plain", ("more than " + MAX_PAGES + " pages open\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            DashboardHub.Subscriber page = hub.subscribe();
            try {
                ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                ex.getResponseHeaders().set("Cache-Control", "no-store");
                ex.sendResponseHeaders(200, 0);
                OutputStream out = ex.getResponseBody();
                while (!closing && !page.overflowed()) {
                    String event = page.next(KEEP_ALIVE_MS);
                    out.write((event == null ? ": keep-alive\n\n" : "data: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the page went away (or the server is closing)
            } finally {
                hub.unsubscribe(page);
                pages.release();
            }
        }
    }

    /** How many pages are open now. */
    public int openPages() {
        return hub.pages();
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        feed.close();
        http.stop(0);
        threads.shutdownNow();
    }
}
