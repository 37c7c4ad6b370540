package sec.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sec.inference.decode.SpeculationConfig;
import sec.inference.model.BundleChecksums;
import sec.inference.model.ModelManifest;
import sec.schemas.ModelRollout;
import sec.schemas.ModelSide;

/**
 * The verifier restored from a snapshot taken while a request was in flight and after a roll-out:
 * Flink invokes that request again as the operator opens, before any roll-out the router replays
 * can reach it, and it is still served by the rolled-out version.
 */
class VerifierFunctionRestoreTest {
    private static final Path BUNDLE = Path.of(System.getProperty("sec.models.dir")).resolve("bundled");

    /** The async operator as the cloud job builds it, around a verifier that holds a lone request {@code waitMs} for a batch. */
    private static OneInputStreamOperatorTestHarness<VerifyTask, CloudOutput> harness(long waitMs, OperatorSubtaskState restored)
            throws Exception {
        var function = new VerifierFunction(new VerifierConfig(BUNDLE.toString(), SpeculationConfig.defaults(), 8, waitMs, 64, 1));
        var factory = new AsyncWaitOperatorFactory<VerifyTask, CloudOutput>(function, 60_000, 8, AsyncDataStream.OutputMode.ORDERED);
        var h = new OneInputStreamOperatorTestHarness<VerifyTask, CloudOutput>(factory,
                org.apache.flink.api.common.typeinfo.TypeInformation.of(VerifyTask.class).createSerializer(
                        new org.apache.flink.api.common.serialization.SerializerConfigImpl()));
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    private static List<String> verdictVersions(OneInputStreamOperatorTestHarness<VerifyTask, CloudOutput> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && ((CloudOutput) r.getValue()).verdict != null) {
                out.add(((CloudOutput) r.getValue()).verdict.getVerifierModelId());
            }
        }
        return out;
    }

    @Test
    void aRequestInFlightAtTheSnapshotIsServedByTheRolledOutVersionAfterTheRestore(@TempDir Path tmp) throws Exception {
        String v1 = ModelManifest.load(BUNDLE).name();
        Path copy = HarnessRecords.copyOfBundle(tmp.resolve("v2"));
        ModelRollout v2 = HarnessRecords.rollout(ModelSide.CLOUD, "v2", copy, BundleChecksums.of(copy));
        VerifyTask request = VerifierFunctionITCase.tasks().get(0);
        OperatorSubtaskState snapshot;
        // a lone request waits 4 s for a batch to fill: it is in flight when the snapshot is taken
        try (var first = harness(4_000, null)) {
            first.processElement(new StreamRecord<>(VerifyTask.control(v2, true)));
            first.processElement(new StreamRecord<>(request));
            snapshot = first.snapshot(1, 1);
            first.endInput();
            assertEquals(List.of("v2"), verdictVersions(first), "before the snapshot, v2 serves the call");
        }
        try (var second = harness(0, snapshot)) {
            second.endInput();
            assertEquals(List.of("v2"), verdictVersions(second),
                    "the restored request is served by the rolled-out version, not the configured " + v1);
        }
    }
}
