package sec.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The pipeline's operator metrics in a Prometheus scrape, and a poller that keeps each one's highest value. */
public final class OperatorMetrics implements AutoCloseable {
    private static final String PREFIX = "flink_taskmanager_job_task_operator_";
    private final Map<String, Double> highest = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int scrapes;

    /** Operator metrics of one scrape, summed over subtasks and series, by name. */
    public static Map<String, Double> parse(String scrape) {
        Map<String, Double> m = new HashMap<>();
        for (String line : scrape.split("\n")) {
            if (line.startsWith(PREFIX)) {
                String name = line.substring(PREFIX.length()).replaceAll("[{ ].*", "");
                m.merge(name, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
            }
        }
        return m;
    }

    /**
     * Scrapes {@code url} every {@code everyMs} while a run goes on (gauges such as active calls and
     * queue depth are only non-zero mid-run); connection failures before the endpoint is up are ignored.
     */
    public OperatorMetrics(String url, long everyMs) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest get = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
        thread = new Thread(() -> {
            while (running) {
                try {
                    parse(http.send(get, HttpResponse.BodyHandlers.ofString()).body())
                            .forEach((k, v) -> highest.merge(k, v, Math::max));
                    scrapes++;
                } catch (java.io.IOException e) {
                    // not up yet, or already gone
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    Thread.sleep(everyMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "metrics-poller");
        thread.setDaemon(true);
        thread.start();
    }

    public Map<String, Double> highest() {
        return Map.copyOf(highest);
    }

    public int scrapes() {
        return scrapes;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(10_000);
    }
}
