package sec.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A thread budget of {@code auto} divides the cores by the TaskManager's slots: both kinds of
 * function the jobs run (an operator's process function and the verifier's async function, whose
 * context Flink wraps) find the slots of the TaskManager they run on.
 */
class TaskSlotsITCase {
    private static final int SLOTS = 3;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(SLOTS).build());

    private static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @Test
    void processAndAsyncFunctionsSeeTheTaskManagersSlots() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        var processed = env.fromData(1, 2).process(new ProcessFunction<Integer, Integer>() {
            @Override
            public void open(OpenContext ctx) {
                SEEN.add("process " + TaskSlots.of(getRuntimeContext()));
            }

            @Override
            public void processElement(Integer value, Context ctx, Collector<Integer> out) {
                out.collect(value);
            }
        });
        AsyncDataStream.orderedWait(processed, new RichAsyncFunction<Integer, Integer>() {
            @Override
            public void open(OpenContext ctx) {
                SEEN.add("async " + TaskSlots.of(getRuntimeContext()));
            }

            @Override
            public void asyncInvoke(Integer input, ResultFuture<Integer> result) {
                result.complete(List.of(input));
            }
        }, 10, TimeUnit.SECONDS, 4).executeAndCollect(2);
        assertEquals(List.of("async OptionalInt[" + SLOTS + "]", "process OptionalInt[" + SLOTS + "]"),
                SEEN.stream().sorted().toList());
    }
}
