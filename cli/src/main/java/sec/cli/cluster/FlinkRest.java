package sec.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A Flink cluster's REST API, as much of it as submitting and watching the jobs needs: upload a
 * jar, run an entry class with program arguments, a job's state and restarts, cancel. An answer
 * other than 2xx is an {@link IOException} carrying Flink's own error text.
 */
public final class FlinkRest {
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();

    public FlinkRest(String address) {
        this.base = URI.create(address.endsWith("/") ? address : address + "/");
    }

    /** Uploads the job jar ({@code POST /jars/upload}); returns the id to run it by. */
    public String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "sec-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        long length = head.length + Files.size(jar) + tail.length;
        HttpRequest request = HttpRequest.newBuilder(base.resolve("jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return new SequenceInputStream(java.util.Collections.enumeration(List.<InputStream>of(
                                new java.io.ByteArrayInputStream(head), Files.newInputStream(jar), new java.io.ByteArrayInputStream(tail))));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }), length))
                .build();
        String file = send(request).path("filename").asText();
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /**
     * Runs {@code entryClass} of an uploaded jar ({@code POST /jars/{id}/run}), its state restored from
     * {@code savepoint} (a path; null for none); returns the job id.
     */
    public String run(String jarId, String entryClass, List<String> args, String savepoint) throws IOException, InterruptedException {
        ObjectNode body = json.createObjectNode();
        body.put("entryClass", entryClass);
        body.set("programArgsList", json.valueToTree(args));
        if (savepoint != null) {
            body.put("savepointPath", savepoint);
        }
        HttpRequest request = HttpRequest.newBuilder(base.resolve("jars/" + jarId + "/run"))
                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return send(request).path("jobid").asText();
    }

    /** The job's state (RUNNING, RESTARTING, FAILED, ...). */
    public String jobState(String jobId) throws IOException, InterruptedException {
        return get("jobs/" + jobId).path("state").asText();
    }

    /**
     * Whether every subtask of the job runs (or has finished): a job is RUNNING as soon as it is
     * scheduled, while its tasks may still be deploying or opening their operators (loading models,
     * joining Kafka). From each vertex's task counts in {@code GET /jobs/{id}}.
     */
    public boolean tasksRunning(String jobId) throws IOException, InterruptedException {
        JsonNode vertices = get("jobs/" + jobId).path("vertices");
        if (vertices.isEmpty()) {
            return false;
        }
        for (JsonNode v : vertices) {
            JsonNode tasks = v.path("tasks");
            if (tasks.path("RUNNING").asInt() + tasks.path("FINISHED").asInt() < v.path("parallelism").asInt()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until the job is RUNNING and every task of it runs ({@link #tasksRunning}); returns whether
     * it got there within {@code limit}. A job that ended meanwhile (FAILED, CANCELED, FINISHED) is an
     * {@link IllegalStateException}.
     */
    public boolean awaitTasksRunning(String jobId, Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            String state = jobState(jobId);
            if (state.equals("FAILED") || state.equals("CANCELED") || state.equals("FINISHED")) {
                throw new IllegalStateException("job " + jobId + " is " + state + " (see the JobManager log)");
            }
            if (state.equals("RUNNING") && tasksRunning(jobId)) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
    }

    /**
     * How often the job failed over: the failures in its exception history (each one a restart of the
     * job or of a region). Not the numRestarts metric: through the REST metric fetcher it read 0 here
     * for a job whose log shows it restarting.
     */
    public int failovers(String jobId) throws IOException, InterruptedException {
        return get("jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries").size();
    }

    /** Registered TaskManagers and free slots ({@code GET /overview}). */
    public JsonNode overview() throws IOException, InterruptedException {
        return get("overview");
    }

    /**
     * Stops the job with a savepoint ({@code POST /jobs/{id}/stop}, no drain: the sources stop, the
     * sinks commit, the job ends FINISHED) into the cluster's savepoint folder and returns its path.
     */
    public String stopWithSavepoint(String jobId, Duration limit) throws IOException, InterruptedException {
        ObjectNode body = json.createObjectNode().put("drain", false);
        String trigger = send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "/stop"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build()).path("request-id").asText();
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode r = get("jobs/" + jobId + "/savepoints/" + trigger);
            if (r.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode op = r.path("operation");
                if (op.hasNonNull("location")) {
                    return op.path("location").asText();
                }
                throw new IOException("stop-with-savepoint of job " + jobId + " failed: " + op.path("failure-cause").path("stack-trace").asText()
                        .lines().findFirst().orElse("no cause given"));
            }
            Thread.sleep(250);
        }
        throw new IOException("stop-with-savepoint of job " + jobId + " did not finish within " + limit);
    }

    public void cancel(String jobId) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "?mode=cancel")).timeout(Duration.ofSeconds(30))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build());
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("Flink at " + base + " answered " + r.statusCode() + " to " + request.method() + " "
                    + request.uri().getPath() + ": " + errors(r.body()));
        }
        return r.body().isBlank() ? json.createObjectNode() : json.readTree(r.body());
    }

    /** Flink's error list, first line of each (the rest is a server-side stack trace). */
    private String errors(String body) {
        try {
            JsonNode errors = json.readTree(body).path("errors");
            StringBuilder out = new StringBuilder();
            for (JsonNode e : errors) {
                for (String line : e.asText().split("\n")) {
                    if (line.contains("Exception:") || out.isEmpty()) {
                        out.append(out.isEmpty() ? "" : " / ").append(line.trim());
                    }
                }
            }
            return out.isEmpty() ? body : out.toString();
        } catch (IOException e) {
            return body;
        }
    }
}
