package sec.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import sec.cli.models.RolloutPublisher;
import sec.connectors.KafkaSettings;
import sec.inference.model.BundleChecksums;
import sec.schemas.ModelRollout;
import sec.schemas.ModelSide;

/**
 * {@code sec demo --rollout-at S DIR}: S seconds in, DIR goes to both jobs over the control topic.
 * Its version is the manifest's name and the first 8 hex digits of its model.json's SHA-256, so a
 * copy of the running bundle still shows as a version of its own on every caption.
 */
final class DemoRollout {
    private DemoRollout() {}

    static Thread start(KafkaSettings kafka, double afterS, Path dir, PrintWriter out) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep((long) (afterS * 1000));
                String version = sec.inference.model.ModelManifest.load(dir).name() + "-"
                        + BundleChecksums.of(dir).get("model.json").substring(0, 8);
                ModelRollout r = RolloutPublisher.publish(kafka, dir, version, ModelSide.BOTH, 100, null);
                out.printf("%nROLL-OUT %s of %s to both jobs (%d files)%n%n", r.getVersion(), r.getLocation(), r.getFiles().size());
                out.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                out.printf("%nROLL-OUT of %s not published: %s%n%n", dir, e.getMessage());
                out.flush();
            }
        }, "demo-rollout");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
