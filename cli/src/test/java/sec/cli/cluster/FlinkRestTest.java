package sec.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link FlinkRest#tasksRunning} and {@link FlinkRest#awaitTasksRunning} against a real MiniCluster's REST API: a RUNNING job whose operators are still opening is not. */
class FlinkRestTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    // the MiniCluster runs the tasks in this JVM, so the operator and the test share these
    private static final CountDownLatch OPENING = new CountDownLatch(1);
    private static final CountDownLatch RELEASE = new CountDownLatch(1);

    /** An operator whose open() takes as long as the test says, as one loading a model does. */
    static final class SlowOpen extends RichMapFunction<Long, Long> {
        @Override
        public void open(OpenContext ctx) throws InterruptedException {
            OPENING.countDown();
            RELEASE.await(60, TimeUnit.SECONDS);
        }

        @Override
        public Long map(Long v) {
            return v;
        }
    }

    @Test
    void aJobsTasksRunOnlyOnceEveryOperatorHasOpened(@InjectClusterClient ClusterClient<?> client) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.fromSequence(0, Long.MAX_VALUE).map(new SlowOpen()).sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("slow-open");
        try {
            FlinkRest flink = new FlinkRest(client.getWebInterfaceURL());
            String id = job.getJobID().toString();
            assertTrue(OPENING.await(60, TimeUnit.SECONDS), "the operator started opening");
            assertEquals("RUNNING", flink.jobState(id));
            assertFalse(flink.tasksRunning(id), "the job runs, its operators are still opening");
            assertFalse(flink.awaitTasksRunning(id, Duration.ofMillis(500)), "no wait ends while an operator opens");
            RELEASE.countDown();
            assertTrue(flink.awaitTasksRunning(id, Duration.ofSeconds(60)), "every task runs once the operators have opened");
            assertTrue(flink.tasksRunning(id));
        } finally {
            RELEASE.countDown();
            job.cancel().get();
        }
    }
}
