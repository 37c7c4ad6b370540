package sec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sec.jobs.JobSettings;

class SpeculationOptionsTest {
    @Command(name = "t")
    static final class Holder {
        @Mixin
        SpeculationOptions speculation;
    }

    private static JobSettings jobsWith(String... args) {
        Holder h = new Holder();
        new CommandLine(h).parseArgs(args);
        return JobSettings.of(Map.of("kafka.bootstrap-servers", "b:9092", "models.dir", "m"), h.speculation.settings());
    }

    private static SpeculationOptions options(String... args) {
        Holder h = new Holder();
        new CommandLine(h).parseArgs(args);
        return h.speculation;
    }

    @Test
    void theJobsGetWhatTheOfflinePathGets() {
        for (String[] args : new String[][] {{}, {"--tau-emotion", "0.8", "--lookahead", "2", "--no-pre-hit"}, {"--credit"}}) {
            SpeculationOptions o = options(args);
            assertEquals(o.applyTo(sec.inference.decode.SpeculationConfig.defaults()), jobsWith(args).drafter().speculation(),
                    String.join(" ", args));
        }
        assertEquals(0.8, jobsWith("--tau-emotion", "0.8").verifier().speculation().tauEmotion());
    }
}
