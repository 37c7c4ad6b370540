package sec.operators;

import java.lang.reflect.Field;
import java.util.OptionalInt;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;
import sec.inference.runtime.ThreadBudget;

/**
 * How many slots the TaskManager running a function has, from its configuration: what a thread
 * budget of {@code auto} divides the node's cores by. An operator's runtime context carries the
 * TaskManager's configuration; an async function gets a wrapper of that context, read here
 * reflectively. Empty where neither is at hand (the budget then falls back to one thread).
 */
final class TaskSlots {
    private TaskSlots() {}

    /** A thread setting ({@link ThreadBudget#AUTO_THREADS} or a count) for the TaskManager {@code context} runs on. */
    static int threads(int setting, RuntimeContext context) {
        return ThreadBudget.resolve(setting, ThreadBudget.cores(), of(context));
    }

    static OptionalInt of(RuntimeContext context) {
        RuntimeContext c = context instanceof StreamingRuntimeContext ? context : wrapped(context);
        if (c instanceof StreamingRuntimeContext s) {
            return OptionalInt.of(s.getTaskManagerRuntimeInfo().getConfiguration().get(TaskManagerOptions.NUM_TASK_SLOTS));
        }
        return OptionalInt.empty();
    }

    /** RichAsyncFunction's context wrapper keeps the operator's context in a field named runtimeContext. */
    private static RuntimeContext wrapped(RuntimeContext context) {
        try {
            Field f = context.getClass().getDeclaredField("runtimeContext");
            f.setAccessible(true);
            return f.get(context) instanceof RuntimeContext inner ? inner : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
