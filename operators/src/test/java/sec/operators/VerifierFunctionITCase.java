package sec.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sec.inference.decode.Decision;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.verify.VerificationService;
import sec.inference.model.ModelManifest;
import sec.inference.verifier.Verifier;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/** The async verifier on a MiniCluster: every task gets the verdict the verifier gives it alone. */
class VerifierFunctionITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    private static final Path MODELS = Path.of(System.getProperty("sec.models.dir"));

    /** Blocks cut from the parity fixtures' drafter captions, several per utterance. */
    static List<VerifyTask> tasks() throws Exception {
        JsonNode fixtures = new ObjectMapper().readTree(MODELS.resolve("parity/parity.json").toFile()).get("fixtures");
        List<VerifyTask> out = new ArrayList<>();
        int n = 0;
        for (JsonNode f : fixtures) {
            JsonNode ctx = f.get("context");
            int dim = ctx.get(0).size();
            byte[] bytes = new byte[ctx.size() * dim];
            for (int t = 0; t < ctx.size(); t++) {
                for (int c = 0; c < dim; c++) {
                    bytes[t * dim + c] = (byte) ctx.get(t).get(c).asInt();
                }
            }
            JsonNode draft = f.get("drafter").get("tokens");
            for (int cut = 0; cut + 3 <= draft.size(); cut += 3) {
                List<Integer> prefix = new ArrayList<>();
                List<Integer> block = new ArrayList<>();
                List<Float> ents = new ArrayList<>();
                for (int i = 0; i < cut; i++) {
                    prefix.add(draft.get(i).asInt());
                }
                for (int i = cut; i < cut + 3; i++) {
                    block.add(draft.get(i).asInt());
                    ents.add(1f);
                }
                VerifyRequest r = VerifyRequest.newBuilder().setCallId("call-" + n % 3).setUtteranceId(f.get("file").asText())
                        .setBlockId(n++).setEpoch(0).setPrefixLength(cut).setPrefixTokens(prefix).setDraftTokens(block)
                        .setDraftEntropies(ents).setLanguage(f.get("lang").asText()).setDrafterModelId("m")
                        .setVerifierModelId("m").setSentAtMs(0).setTokenizerId(tokenizerOf(n)).build();
                out.add(new VerifyTask(r, bytes, ctx.size()));
            }
        }
        return out;
    }

    /** Every fifth request drafted with another tokenizer, every fifth from an edge that does not say (null). */
    private static String tokenizerOf(int block) {
        return block % 5 == 1 ? "0".repeat(64) : block % 5 == 2 ? null
                : ModelManifest.load(MODELS.resolve("bundled")).tokenizerId();
    }

    @Test
    void verdictsEqualTheVerifierAloneAndAnotherTokenizerGetsAnUnusableOne() throws Exception {
        List<VerifyTask> tasks = tasks();
        SpeculationConfig spec = SpeculationConfig.defaults();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        var outputs = AsyncDataStream.orderedWait(env.fromData(tasks),
                new VerifierFunction(new VerifierConfig(MODELS.resolve("bundled").toString(), spec, 8, 20, 64, 1)), 60, TimeUnit.SECONDS, 32);
        List<Verdict> got = new ArrayList<>();
        outputs.executeAndCollect().forEachRemaining(o -> got.add(o.verdict));
        assertEquals(tasks.size(), got.size());
        got.sort(Comparator.comparingInt(Verdict::getBlockId));

        ModelManifest manifest = ModelManifest.load(MODELS.resolve("bundled"));
        try (Verifier v = Verifier.load(manifest)) {
            VerificationService service = new VerificationService(v, manifest, spec);
            for (int i = 0; i < tasks.size(); i++) {
                VerifyRequest r = tasks.get(i).request;
                Decision d = service.verify(List.of(tasks.get(i).serviceTask())).get(0);
                Verdict g = got.get(i);
                assertEquals(r.getBlockId(), g.getBlockId());
                if ("0".repeat(64).equals(r.getTokenizerId())) {
                    assertEquals(-1, g.getAccepted(), "block " + i + ": another tokenizer's ids are not scored");
                    assertEquals(null, g.getCorrection());
                    continue;
                }
                assertEquals(d.accepted(), g.getAccepted(), "block " + i);
                assertEquals(d.corrected() ? Integer.valueOf(d.correction()) : null, g.getCorrection(), "block " + i);
            }
            assertTrue(tasks.size() >= 20, "tasks: " + tasks.size());
        }
    }
}
