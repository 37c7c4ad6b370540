package sec.jobs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sec.inference.decode.SpeculationConfig;
import sec.schemas.AudioFrame;

/**
 * Both jobs through their {@code define} seams, without a broker ({@link InProcessPipeline}). Every
 * utterance gets one final caption, token for token the inference core's. (The Kafka ITCases add
 * what a broker brings: exactly-once, restarts.)
 */
class BothJobsInProcessITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    @Test
    void theVerifyLoopClosedInProcessCaptionsLikeTheCore() throws Exception {
        Map<String, List<AudioFrame>> calls = PipelineFixture.calls("call-01-en.wav", "call-05-zh.wav");
        Map<String, long[]> expected = PipelineFixture.coreCaptions(calls, SpeculationConfig.defaults());
        // no broker: nothing in define(…) connects to one
        JobSettings s = PipelineFixture.jobs(JobSettings.kafka(Map.of("kafka.bootstrap-servers", "no-broker:9092")));
        try (InProcessPipeline pipeline = new InProcessPipeline(calls, s)) {
            int sent = PipelineFixture.assertOneCaptionEachEqualToTheCore(expected,
                    pipeline.captions(expected.size(), Duration.ofMinutes(4)));
            assertTrue(sent > 0, "blocks went round the loop: " + sent + " tokens verified");
        }
    }
}
