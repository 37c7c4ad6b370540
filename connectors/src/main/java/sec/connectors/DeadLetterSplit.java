package sec.connectors;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import sec.schemas.DeadLetter;

/** Splits a source's output: records go on, dead letters to the {@link #DEAD_LETTERS} side output. */
public final class DeadLetterSplit<T> extends ProcessFunction<Either<DeadLetter, T>, T> {
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("source-dead-letters") {};

    @Override
    public void processElement(Either<DeadLetter, T> value, Context ctx, Collector<T> out) {
        if (value.isLeft()) {
            ctx.output(DEAD_LETTERS, value.left());
        } else {
            out.collect(value.right());
        }
    }
}
