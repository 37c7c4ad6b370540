package sec.operators;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import sec.inference.decode.Decision;
import sec.inference.decode.verify.VerificationService;
import sec.schemas.AcousticContext;
import sec.schemas.EmotionCaption;
import sec.schemas.Verdict;
import sec.schemas.VerifyRequest;

/**
 * The operator tests' records: a side output as a list, the real verifier's verdict on a request,
 * a copy of the bundled models to roll out as another version, and its roll-out.
 */
final class HarnessRecords {
    private HarnessRecords() {}

    static <T> List<T> side(KeyedTwoInputStreamOperatorTestHarness<String, Utterance, Verdict, EmotionCaption> h, OutputTag<T> tag) {
        List<T> out = new ArrayList<>();
        var q = h.getSideOutput(tag);
        if (q != null) {
            for (StreamRecord<T> r : q) {
                out.add(r.getValue());
            }
        }
        return out;
    }

    static Verdict verdict(VerificationService service, AcousticContext ctx, VerifyRequest r) {
        byte[] features = new byte[ctx.getFeatures().remaining()];
        ctx.getFeatures().duplicate().get(features);
        Decision d = service.verify(List.of(new VerifyTask(r, features, ctx.getSteps()).serviceTask())).get(0);
        return Verdict.newBuilder().setCallId(r.getCallId()).setUtteranceId(r.getUtteranceId()).setBlockId(r.getBlockId())
                .setEpoch(r.getEpoch()).setAccepted(d.accepted()).setCorrection(d.corrected() ? d.correction() : null)
                .setBonus(d.hasBonus() ? d.bonus() : null).setVerifierLatencyMs(1f).setVerifierModelId("test")
                .setSentAtMs(r.getSentAtMs()).build();
    }

    /** The bundled models copied to {@code to}, a bundle of its own (a roll-out names it with its checksums). */
    static Path copyOfBundle(Path to) throws Exception {
        Path bundle = Path.of(System.getProperty("sec.models.dir")).resolve("bundled");
        try (var files = Files.walk(bundle)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(bundle.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        return to;
    }

    /** A roll-out of {@code version} at {@code location} to every call of {@code side}, published now. */
    static sec.schemas.ModelRollout rollout(sec.schemas.ModelSide side, String version, Path location,
            java.util.Map<String, String> files) {
        return sec.schemas.ModelRollout.newBuilder().setVersion(version).setSide(side).setLocation(location.toString())
                .setFiles(files).setCanaryPercent(100).setPublishedAtMs(System.nanoTime()).build();
    }
}
