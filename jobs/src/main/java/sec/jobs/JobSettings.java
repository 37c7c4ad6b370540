package sec.jobs;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.util.ParameterTool;
import sec.connectors.KafkaSettings;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.credit.CreditConfig;
import sec.inference.decode.credit.CreditTable;
import sec.inference.runtime.ThreadBudget;
import sec.inference.verifier.TorchThreads;
import sec.operators.DrafterConfig;
import sec.operators.SegmenterConfig;

/**
 * The jobs' configuration on a cluster: a file of {@code key: value} lines (Java properties, so
 * {@code key=value} works too) named by {@code --config}, then {@code --key value} overrides, as
 * Flink's ParameterTool reads them. Every key is listed in {@link #KEYS} with its default, so a
 * misspelt key is an error naming it rather than a silently ignored setting. {@code kafka.client.*}
 * passes through to every Kafka client (security.protocol, sasl.*, ssl.*). One file serves both jobs.
 */
public record JobSettings(KafkaSettings kafka, String modelDir, int parallelism, long checkpointIntervalMs,
        boolean unalignedCheckpoints, SegmenterConfig segmenter, DrafterConfig drafter, CloudVerifyJob.Config verifier, List<sec.operators.AlertRule> alerts) {

    public static final String CLIENT_PREFIX = "kafka.client.";

    /** Every setting and its default ("" = required). The table in docs/OPERATIONS.md is this map. */
    public static final Map<String, String> KEYS = keys();
    /**
     * Key groups of every keyed operator: the most subtasks one can ever run with. Fixed for a job's
     * life, not a setting: a savepoint's keyed state is split by it, and a job with another cannot read it.
     */
    public static final int MAX_PARALLELISM = 128;

    private static Map<String, String> keys() {
        SegmenterConfig s = SegmenterConfig.defaults();
        Map<String, String> k = kafkaKeys("", KafkaSettings.Topics.defaults(), "sec", "sec");
        k.put("models.dir", "");
        k.put("parallelism", "-1");
        k.put("checkpoint.interval-ms", "1000");
        k.put("checkpoint.unaligned", "true");
        k.put("segmenter.max-utterance-seconds", String.valueOf(s.maxUtteranceSeconds()));
        k.put("segmenter.reorder-window-frames", String.valueOf(s.reorderWindowFrames()));
        k.put("segmenter.inactivity-timeout-ms", String.valueOf(s.inactivityTimeoutMs()));
        k.put("segmenter.max-payload-bytes", String.valueOf(s.maxPayloadBytes()));
        k.put("segmenter.max-call-id-chars", String.valueOf(s.maxCallIdChars()));
        k.put("segmenter.max-calls-per-subtask", String.valueOf(s.maxCallsPerSubtask()));
        k.put("segmenter.default-language", s.defaultLanguage());
        SpeculationConfig d = SpeculationConfig.defaults();
        DrafterConfig dr = DrafterConfig.defaults("", d);
        k.put("drafter.verdict-deadline-ms", String.valueOf(dr.verdictDeadlineMs()));
        k.put("drafter.partial-captions", String.valueOf(dr.partialCaptions()));
        k.put("drafter.kv-cache.checkpoint", String.valueOf(dr.checkpointKvCache()));
        k.put("drafter.max-open-utterances", String.valueOf(dr.maxOpenUtterances()));
        k.put("drafter.batch-calls", String.valueOf(dr.batchCalls()));
        k.put("drafter.batch-delay-ms", String.valueOf(dr.batchDelayMs()));
        k.put("drafter.call-idle-ttl-ms", String.valueOf(dr.callIdleTtlMs()));
        k.put("drafter.threads", ThreadBudget.format(dr.threads()));
        k.put("drafter.spinning", String.valueOf(dr.spinning()));
        k.put("speculation.acceptance", d.acceptance().name().toLowerCase());
        k.put("speculation.rank-k", String.valueOf(d.rankK()));
        k.put("speculation.tau", String.valueOf(d.tau()));
        k.put("speculation.tau-emotion", String.valueOf(d.tauEmotion()));
        k.put("speculation.gamma", d.gammaPolicy().name().toLowerCase());
        k.put("speculation.gamma-fixed", String.valueOf(d.gammaFixed()));
        k.put("speculation.max-tokens", String.valueOf(d.maxTokens()));
        k.put("speculation.credit", "off");
        k.put("speculation.lookahead", String.valueOf(d.lookahead()));
        k.put("speculation.pre-hit", String.valueOf(d.preHit()));
        k.put("verifier.max-batch", String.valueOf(CloudVerifyJob.Config.DEFAULT_MAX_BATCH));
        k.put("verifier.max-wait-ms", String.valueOf(CloudVerifyJob.Config.DEFAULT_MAX_WAIT_MS));
        k.put("verifier.async-timeout-ms", String.valueOf(CloudVerifyJob.Config.DEFAULT_ASYNC_TIMEOUT_MS));
        k.put("verifier.async-capacity", String.valueOf(CloudVerifyJob.Config.DEFAULT_ASYNC_CAPACITY));
        k.put("verifier.context-ttl-ms", String.valueOf(CloudVerifyJob.Config.DEFAULT_CONTEXT_TTL_MS));
        k.put("verifier.max-waiting-requests", String.valueOf(CloudVerifyJob.Config.DEFAULT_MAX_WAITING_REQUESTS));
        k.put("verifier.threads", ThreadBudget.format(CloudVerifyJob.Config.DEFAULT_THREADS));
        k.put("verifier.wait-policy", CloudVerifyJob.Config.DEFAULT_WAIT_POLICY.name().toLowerCase());
        k.put("alerts.rules", sec.operators.AlertRule.DEFAULTS);
        return java.util.Collections.unmodifiableMap(k);
    }

    /** {@code --config FILE} (optional) and {@code --key value} overrides, as a job's main gets them. */
    public static JobSettings fromArgs(String... args) {
        return of(merged(args));
    }

    /** The file named by --config with the other arguments laid over it, as one flat map. */
    public static Map<String, String> merged(String... args) {
        ParameterTool cli = ParameterTool.fromArgs(args);
        Map<String, String> all = new LinkedHashMap<>();
        if (cli.has("config")) {
            all.putAll(readFile(Path.of(cli.get("config"))));
        }
        cli.toMap().forEach((k, v) -> {
            if (!k.equals("config")) {
                all.put(k, v);
            }
        });
        return all;
    }

    static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the configuration file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new TreeMap<>();
        p.forEach((k, v) -> out.put(k.toString().trim(), unquote(v.toString().trim())));
        return out;
    }

    private static String unquote(String v) {
        boolean quoted = v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"));
        return quoted ? v.substring(1, v.length() - 1) : v;
    }

    /** Typed settings from flat keys; an unknown key or a missing required one is an error naming it. */
    public static JobSettings of(Map<String, String> given) {
        KafkaSettings kafka = kafka(given);
        Values v = new Values(given);
        String models = v.str("models.dir");
        SpeculationConfig speculation = speculation(v);
        SegmenterConfig segmenter = new SegmenterConfig(SegmenterConfig.defaults().modelSampleRate(),
                v.dbl("segmenter.max-utterance-seconds"), v.integer("segmenter.reorder-window-frames"),
                v.lng("segmenter.inactivity-timeout-ms"), v.integer("segmenter.max-payload-bytes"),
                v.integer("segmenter.max-call-id-chars"), v.integer("segmenter.max-calls-per-subtask"),
                v.str("segmenter.default-language"), kafka.topics().frames());
        DrafterConfig drafter = new DrafterConfig(models, speculation, v.lng("drafter.verdict-deadline-ms"),
                v.bool("drafter.partial-captions"), v.bool("drafter.kv-cache.checkpoint"), v.integer("drafter.max-open-utterances"),
                v.integer("drafter.batch-calls"), v.lng("drafter.batch-delay-ms"), v.lng("drafter.call-idle-ttl-ms"),
                ThreadBudget.parse("drafter.threads", v.str("drafter.threads")), v.bool("drafter.spinning"));
        CloudVerifyJob.Config verifier = new CloudVerifyJob.Config(models, speculation, v.integer("verifier.max-batch"),
                v.lng("verifier.max-wait-ms"), v.lng("verifier.async-timeout-ms"), v.integer("verifier.async-capacity"),
                v.lng("verifier.context-ttl-ms"), v.integer("verifier.max-waiting-requests"),
                ThreadBudget.parse("verifier.threads", v.str("verifier.threads")),
                TorchThreads.WaitPolicy.parse("verifier.wait-policy", v.str("verifier.wait-policy")));
        return new JobSettings(kafka, models, v.integer("parallelism"), v.lng("checkpoint.interval-ms"), v.bool("checkpoint.unaligned"),
                segmenter, drafter, verifier,
                sec.operators.AlertRule.parse(v.str("alerts.rules")));
    }

    /**
     * The keys that give back these Kafka settings (brokers, topics, id prefixes, client properties):
     * for whoever starts a job on an existing {@link KafkaSettings} (sec demo, the ITCases), so that it
     * too goes through {@link #of(Map)}.
     */
    public static Map<String, String> keysOf(KafkaSettings kafka) {
        Map<String, String> k = kafkaKeys(kafka.bootstrapServers(), kafka.topics(), kafka.groupIdPrefix(),
                kafka.transactionalIdPrefix());
        kafka.clientProperties().forEach((key, v) -> k.put(CLIENT_PREFIX + key, v));
        return k;
    }

    private static Map<String, String> kafkaKeys(String bootstrap, KafkaSettings.Topics t, String groupIdPrefix,
            String transactionalIdPrefix) {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("kafka.bootstrap-servers", bootstrap);
        k.put("kafka.topic.frames", t.frames());
        k.put("kafka.topic.contexts", t.contexts());
        k.put("kafka.topic.requests", t.requests());
        k.put("kafka.topic.verdicts", t.verdicts());
        k.put("kafka.topic.captions", t.captions());
        k.put("kafka.topic.partials", t.partials());
        k.put("kafka.topic.dead-letters", t.deadLetters());
        k.put("kafka.topic.alerts", t.alerts());
        k.put("kafka.topic.models", t.models());
        k.put("kafka.topic.model-status", t.modelStatus());
        k.put("kafka.group-id-prefix", groupIdPrefix);
        k.put("kafka.transactional-id-prefix", transactionalIdPrefix);
        return k;
    }

    /** {@link #of(Map)} of {@code base} with {@code overrides} laid over it. */
    public static JobSettings of(Map<String, String> base, Map<String, String> overrides) {
        Map<String, String> all = new LinkedHashMap<>(base);
        all.putAll(overrides);
        return of(all);
    }

    /** Only the Kafka part (for the commands that read and write topics); unknown keys are still refused. */
    public static KafkaSettings kafka(Map<String, String> given) {
        List<String> unknown = new ArrayList<>();
        Map<String, String> client = new TreeMap<>();
        given.forEach((k, v) -> {
            if (k.startsWith(CLIENT_PREFIX)) {
                client.put(k.substring(CLIENT_PREFIX.length()), v);
            } else if (!KEYS.containsKey(k)) {
                unknown.add(k);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown setting(s) " + unknown + "; the settings are " + KEYS.keySet()
                    + " and " + CLIENT_PREFIX + "*");
        }
        Values v = new Values(given);
        return new KafkaSettings(v.str("kafka.bootstrap-servers"), client, new KafkaSettings.Topics(
                v.str("kafka.topic.frames"), v.str("kafka.topic.contexts"), v.str("kafka.topic.requests"),
                v.str("kafka.topic.verdicts"), v.str("kafka.topic.captions"), v.str("kafka.topic.partials"),
                v.str("kafka.topic.dead-letters"), v.str("kafka.topic.alerts"), v.str("kafka.topic.models"),
                v.str("kafka.topic.model-status")), v.str("kafka.group-id-prefix"),
                v.str("kafka.transactional-id-prefix"));
    }

    /**
     * The decoding settings alone, from speculation.* keys over their defaults: for the paths that
     * decode without a job ({@code sec caption}), so they read the options as a job does.
     */
    public static SpeculationConfig speculation(Map<String, String> given) {
        List<String> unknown = given.keySet().stream().filter(k -> !k.startsWith("speculation.") || !KEYS.containsKey(k)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown speculation setting(s): " + String.join(", ", unknown));
        }
        return speculation(new Values(given));
    }

    private static SpeculationConfig speculation(Values v) {
        String credit = v.str("speculation.credit");
        CreditConfig creditConfig = switch (credit) {
            case "off" -> null;
            case "on" -> CreditConfig.defaults();
            default -> CreditConfig.defaults().withTable(CreditTable.load(Path.of(credit))); // a table from sec calibrate
        };
        return SpeculationConfig.defaults().toBuilder()
                .acceptance(v.choice("speculation.acceptance", SpeculationConfig.Acceptance.class))
                .rankK(v.integer("speculation.rank-k"))
                .tau(v.dbl("speculation.tau"))
                .tauEmotion(v.dbl("speculation.tau-emotion"))
                .gammaPolicy(v.choice("speculation.gamma", SpeculationConfig.GammaPolicy.class))
                .gammaFixed(v.integer("speculation.gamma-fixed"))
                .maxTokens(v.integer("speculation.max-tokens"))
                .credit(creditConfig)
                .lookahead(v.integer("speculation.lookahead"))
                .preHit(v.bool("speculation.pre-hit"))
                .build();
    }

    /** The cluster's environment with this job's parallelism (when set) and its checkpoints ({@link #checkpointing}). */
    public org.apache.flink.streaming.api.environment.StreamExecutionEnvironment environment() {
        var env = org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment();
        if (parallelism > 0) {
            env.setParallelism(parallelism);
        }
        checkpointing(env);
        return env;
    }

    /**
     * Exactly-once checkpoints every {@code checkpoint.interval-ms}, unaligned unless {@code
     * checkpoint.unaligned: false}: captions commit when a checkpoint completes, and at 96 real-time
     * calls aligning the barriers (the drafter's two inputs wait for the busier one) doubled both the
     * checkpoint's duration and the caption latency (docs/PERFORMANCE.md). Savepoints stay aligned.
     */
    public void checkpointing(org.apache.flink.streaming.api.environment.StreamExecutionEnvironment env) {
        env.enableCheckpointing(checkpointIntervalMs); // exactly once is the default mode
        env.getCheckpointConfig().enableUnalignedCheckpoints(unalignedCheckpoints);
    }

    /** The settings as {@code --key value} program arguments (what {@code sec edge} and {@code sec cloud} submit). */
    public static List<String> asArgs(Map<String, String> settings) {
        List<String> args = new ArrayList<>();
        settings.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        return args;
    }

    /** Reads values by key with their defaults; a bad value names its key. */
    private record Values(Map<String, String> given) {
        String str(String key) {
            String v = given.getOrDefault(key, KEYS.get(key));
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("setting '" + key + "' is required");
            }
            return v.trim();
        }

        int integer(String key) {
            try {
                return Integer.parseInt(str(key));
            } catch (NumberFormatException e) {
                throw bad(key, "a whole number");
            }
        }

        long lng(String key) {
            try {
                return Long.parseLong(str(key));
            } catch (NumberFormatException e) {
                throw bad(key, "a whole number");
            }
        }

        double dbl(String key) {
            try {
                return Double.parseDouble(str(key));
            } catch (NumberFormatException e) {
                throw bad(key, "a number");
            }
        }

        boolean bool(String key) {
            return switch (str(key).toLowerCase()) {
                case "true" -> true;
                case "false" -> false;
                default -> throw bad(key, "true or false");
            };
        }

        <E extends Enum<E>> E choice(String key, Class<E> type) {
            try {
                return Enum.valueOf(type, str(key).toUpperCase());
            } catch (IllegalArgumentException e) {
                throw bad(key, "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase());
            }
        }

        private IllegalArgumentException bad(String key, String what) {
            return new IllegalArgumentException("setting '" + key + "' = '" + given.get(key) + "' must be " + what);
        }
    }
}
