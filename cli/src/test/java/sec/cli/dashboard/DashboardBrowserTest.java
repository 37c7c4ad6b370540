package sec.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sec.cli.OperatorMetrics;
import sec.cli.SecCli;

/**
 * {@code sec demo} (4 calls at once, so the verifier has a queue) with its supervisor page open in a real headless browser: every caption and the
 * alerts reach the page's DOM, and the Prometheus endpoint, scraped while the calls run, shows every
 * pipeline metric above zero. The screenshot is kept in cli/target/browser-test/ (CI's artifact).
 */
class DashboardBrowserTest {
    private static final Path ARTIFACTS = Path.of("target", "browser-test");
    private static final Duration PAGE_BOUND = Duration.ofSeconds(180);

    @Test
    void captionsAndAlertsReachThePageAndEveryMetricMovesMidRun(@TempDir Path tmp) throws Exception {
        HeadlessChromium.binary(); // fails first, and clearly, where the browser is missing
        Files.createDirectories(ARTIFACTS);
        int dashboardPort = freePort();
        int metricsPort = freePort();
        Path summaryFile = tmp.resolve("summary.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (OperatorMetrics metrics = new OperatorMetrics("http://127.0.0.1:" + metricsPort + "/metrics", 100)) {
            CompletableFuture<Integer> demo = CompletableFuture.supplyAsync(() -> SecCli.execute(new PrintWriter(out, true),
                    new PrintWriter(err, true), "demo", "--calls", "4", "--fast", "--dashboard-port", String.valueOf(dashboardPort),
                    "--metrics-port", String.valueOf(metricsPort), "--linger-s", "10", "--summary", summaryFile.toString(),
                    "--timeout-s", "300"));
            String url = "http://127.0.0.1:" + dashboardPort + "/";
            int expected = awaitPage(url, out, demo);
            try (HeadlessChromium browser = HeadlessChromium.open(url, tmp.resolve("profile"), ARTIFACTS.resolve("chromium.log"))) {
                JsonNode page = null;
                long until = System.nanoTime() + PAGE_BOUND.toNanos();
                while (System.nanoTime() < until) {
                    page = browser.evaluate("({captions: document.querySelectorAll('#calls .caption').length,"
                            + " alerts: document.querySelectorAll('#alerts .alert').length,"
                            + " calls: document.querySelectorAll('#calls .call').length,"
                            + " corrected: document.querySelectorAll('#calls .tok.corrected, #calls .tok.verified').length,"
                            + " segments: document.querySelectorAll('.timeline .seg').length,"
                            + " rho: document.getElementById('rho')?.textContent ?? '',"
                            + " link: document.getElementById('link')?.textContent ?? ''})"); // '' while the page still loads
                    if (page.get("captions").asInt() >= expected && page.get("alerts").asInt() >= 1) {
                        break;
                    }
                    Thread.sleep(500);
                }
                Files.write(ARTIFACTS.resolve("dashboard.png"), browser.screenshot());
                Files.writeString(ARTIFACTS.resolve("dom.json"), String.valueOf(page));
                assertEquals(expected, page.get("captions").asInt(), "every utterance's caption on the page within "
                        + PAGE_BOUND + ": " + page);
                assertTrue(page.get("alerts").asInt() >= 1, "call-02's customer is anxious twice in a row: " + page);
                assertEquals(4, page.get("calls").asInt(), page.toString());
                assertEquals(expected, page.get("segments").asInt(), "one timeline segment per utterance: " + page);
                assertTrue(page.get("corrected").asInt() > 0, "tokens the cloud verified or corrected are marked: " + page);
                assertTrue(page.get("rho").asText().endsWith("%"), "live ρ shown: " + page);
                assertEquals("live", page.get("link").asText(), page.toString());
            }
            assertEquals(0, demo.get(300, TimeUnit.SECONDS), out + "\n" + err);
            Map<String, Double> highest = new java.util.TreeMap<>(metrics.highest());
            Files.writeString(ARTIFACTS.resolve("metrics-highest.txt"), metrics.scrapes() + " scrapes\n" + highest);
            for (String metric : new String[] {"tokensDrafted", "tokensSent", "tokensAccepted", "tokensCorrected", "rho",
                    "acceptanceRate", "gamma", "tau", "verificationRoundTripMs_count", "verifierBatchSize_count",
                    "verifierQueueDepth", "callStateBytes_count", "activeCalls"}) {
                assertTrue(highest.getOrDefault(metric, 0.0) > 0, metric + " above zero in one of " + metrics.scrapes()
                        + " scrapes during the run: " + highest);
            }
        }
        JsonNode summary = new ObjectMapper().readTree(Files.readString(summaryFile));
        assertEquals(summary.get("captions").asInt(), summary.get("utterances").asInt(), summary.toString());
    }

    /** Waits until the demo prints its plan and the page answers; returns the number of utterances it expects. */
    private static int awaitPage(String url, StringWriter out, CompletableFuture<Integer> demo) throws Exception {
        Pattern plan = Pattern.compile("(\\d+) utterances expected");
        HttpClient http = HttpClient.newHttpClient();
        for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); System.nanoTime() < until; Thread.sleep(250)) {
            if (demo.isDone()) {
                throw new AssertionError("the demo ended before its page was up (exit " + demo.get() + "): " + out);
            }
            Matcher m = plan.matcher(out.toString());
            if (m.find()) {
                assertTrue(out.toString().contains("dashboard: " + url), out.toString());
                var index = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, index.statusCode());
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the demo printed no plan within 120 s: " + out);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
