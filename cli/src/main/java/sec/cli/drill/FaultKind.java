package sec.cli.drill;

import java.util.Arrays;
import java.util.Locale;

/** The faults a drill injects into the local cluster, by the name the command line takes. */
public enum FaultKind {
    /** SIGKILL one TaskManager, start a new one in its place. */
    TASKMANAGER_KILL("taskmanager-kill"),
    /** Stop the broker (TERM) and start it again; its data stays. */
    BROKER_RESTART("broker-restart"),
    /** SIGKILL the leading JobManager; the standby takes over; the killed one comes back as standby. */
    JOBMANAGER_KILL("jobmanager-kill"),
    /** Stop the cloud job with a savepoint and submit it again from it, while the edge keeps drafting. */
    CLOUD_RESTART("cloud-restart"),
    /** Stop the edge job with a savepoint and submit it again from it at another parallelism. */
    RESCALE("rescale");

    private final String label;

    FaultKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static FaultKind of(String label) {
        return Arrays.stream(values()).filter(k -> k.label.equals(label.trim().toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown fault kind '" + label + "'; one of "
                        + Arrays.stream(values()).map(FaultKind::label).toList()));
    }
}
