package sec.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import sec.cli.models.RolloutPublisher;
import sec.connectors.KafkaSettings;
import sec.schemas.ModelRollout;
import sec.schemas.ModelSide;

/**
 * {@code sec demo --rollout-at S DIR}: S seconds in, DIR goes to both jobs over the control topic,
 * under a version named by its contents ({@link RolloutPublisher#publishByContent}), so a bundle
 * that differs from the running one in a file shows as a version of its own on every caption.
 */
final class DemoRollout {
    private DemoRollout() {}

    static Thread start(KafkaSettings kafka, double afterS, Path dir, PrintWriter out) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep((long) (afterS * 1000));
                ModelRollout r = RolloutPublisher.publishByContent(kafka, dir, ModelSide.BOTH);
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
