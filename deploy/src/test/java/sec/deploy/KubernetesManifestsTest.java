package sec.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sec.jobs.CloudVerifyJob;
import sec.jobs.EdgeCaptionJob;
import sec.jobs.JobSettings;

/**
 * deploy/k8s against the jobs: each FlinkDeployment runs an entry class of the job jar with
 * arguments JobSettings accepts, from the path where the image puts the jar and the models, with
 * Kubernetes HA, checkpoints on object storage and savepoint upgrades; the cloud job's TaskManagers
 * ask for a GPU; the Strimzi topics are exactly the topics the jobs' settings name, with enough
 * partitions for their parallelism; the Dockerfiles are two lines on the Flink version we build with.
 */
class KubernetesManifestsTest {
    private static final Path K8S = Path.of(System.getProperty("sec.deploy.dir")).resolve("k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static List<JsonNode> documents(String file) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(K8S.resolve(file).toFile())) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
        }
        return docs;
    }

    private static JsonNode deployment(String file) throws Exception {
        List<JsonNode> docs = documents(file);
        assertEquals(1, docs.size(), file);
        assertEquals("FlinkDeployment", docs.get(0).path("kind").asText(), file);
        return docs.get(0);
    }

    /** The job's args as settings (--key value pairs), checked by the jobs' own parser. */
    private static Map<String, String> settings(JsonNode deployment) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode args = deployment.path("spec").path("job").path("args");
        assertEquals(0, args.size() % 2, "args are --key value pairs");
        for (int i = 0; i < args.size(); i += 2) {
            String key = args.get(i).asText();
            assertTrue(key.startsWith("--"), key);
            out.put(key.substring(2), args.get(i + 1).asText());
        }
        JobSettings.of(out); // unknown keys or bad values fail here
        return out;
    }

    @Test
    void eachDeploymentRunsItsJobFromTheImageWithSettingsTheJobAccepts() throws Exception {
        Map<String, Class<?>> entry = Map.of("edge.yaml", EdgeCaptionJob.class, "cloud.yaml", CloudVerifyJob.class);
        for (var e : entry.entrySet()) {
            JsonNode spec = deployment(e.getKey()).path("spec");
            JsonNode job = spec.path("job");
            assertEquals(e.getValue().getName(), job.path("entryClass").asText(), e.getKey());
            e.getValue().getMethod("main", String[].class); // the entry class has a main
            assertEquals("local:///opt/flink/usrlib/sec-job.jar", job.path("jarURI").asText(), "where the image puts the jar");
            assertEquals("/opt/sec/models/bundled", settings(deployment(e.getKey())).get("models.dir"), "where the image puts the models");
            assertEquals("savepoint", job.path("upgradeMode").asText());
            assertTrue(spec.path("flinkVersion").asText().startsWith("v2_"), "a Flink 2 cluster");
            JsonNode conf = spec.path("flinkConfiguration");
            assertEquals("kubernetes", conf.path("high-availability.type").asText());
            for (String key : List.of("high-availability.storageDir", "execution.checkpointing.dir", "execution.checkpointing.savepoint-dir")) {
                assertTrue(conf.path(key).asText().matches("(s3|gs|abfss?|oss)://.+"), key + " on object storage: " + conf.path(key));
            }
            assertFalse(spec.toString().contains("hostPath"), e.getKey() + " keeps no state on a node's disk");
            assertEquals("org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                    conf.path("metrics.reporter.prom.factory.class").asText(), e.getKey() + " reports to Prometheus");
        }
    }

    @Test
    void theCloudJobsTaskManagersRunOnGpuNodes() throws Exception {
        JsonNode tm = deployment("cloud.yaml").path("spec").path("taskManager").path("podTemplate").path("spec");
        JsonNode container = tm.path("containers").get(0);
        assertEquals(1, container.path("resources").path("limits").path("nvidia.com/gpu").asInt());
        assertEquals(1, container.path("resources").path("requests").path("nvidia.com/gpu").asInt());
        JsonNode edgeTm = deployment("edge.yaml").path("spec").path("taskManager");
        assertFalse(edgeTm.toString().contains("nvidia.com/gpu"), "the edge runs on CPU nodes");
    }

    @Test
    void theStrimziTopicsAreTheTopicsTheJobsName() throws Exception {
        var edge = JobSettings.of(settings(deployment("edge.yaml")));
        var cloud = JobSettings.of(settings(deployment("cloud.yaml")));
        assertEquals(edge.kafka().topics(), cloud.kafka().topics(), "both jobs name the same topics");
        assertEquals(edge.kafka().bootstrapServers(), cloud.kafka().bootstrapServers());
        int parallelism = Math.max(deployment("edge.yaml").path("spec").path("job").path("parallelism").asInt(),
                deployment("cloud.yaml").path("spec").path("job").path("parallelism").asInt());
        Set<String> declared = new HashSet<>();
        for (JsonNode topic : documents("topics.yaml")) {
            assertEquals("KafkaTopic", topic.path("kind").asText());
            assertEquals("sec-kafka", topic.path("metadata").path("labels").path("strimzi.io/cluster").asText());
            String name = topic.path("spec").path("topicName").asText();
            assertTrue(declared.add(name), "declared once: " + name);
            if (name.equals(edge.kafka().topics().models())) {
                assertEquals(1, topic.path("spec").path("partitions").asInt(), name + ": one partition, roll-outs in one order");
            } else {
                assertTrue(topic.path("spec").path("partitions").asInt() >= parallelism,
                        name + ": partitions >= the jobs' parallelism " + parallelism);
            }
        }
        assertEquals(Set.copyOf(edge.kafka().topics().all()), declared);
        assertTrue(edge.kafka().bootstrapServers().startsWith("sec-kafka-kafka-bootstrap."),
                "the bootstrap service of the Strimzi cluster sec-kafka");
    }

    @Test
    void eachDockerfileIsTwoLinesOnTheFlinkVersionOfTheBuild() throws Exception {
        String flinkVersion = org.apache.flink.runtime.util.EnvironmentInformation.getVersion();
        for (String file : List.of("Dockerfile", "Dockerfile.gpu")) {
            List<String> lines = Files.readAllLines(K8S.resolve(file)).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
            assertEquals(2, lines.size(), file + ": " + lines);
            assertTrue(lines.get(0).startsWith("FROM ") && lines.get(0).contains(flinkVersion), file + " on Flink " + flinkVersion);
            assertEquals("COPY deploy/target/image-root/ /", lines.get(1));
        }
    }
}
