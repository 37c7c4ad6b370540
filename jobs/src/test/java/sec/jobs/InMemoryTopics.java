package sec.jobs;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Topics without a broker, for jobs on one MiniCluster in this JVM: a sink appends to a named
 * queue, a source takes from it (unbounded: the test cancels the jobs). What Kafka is to the
 * production wiring, minus transactions and offsets.
 */
final class InMemoryTopics {
    private static final Map<String, BlockingQueue<Object>> TOPICS = new ConcurrentHashMap<>();

    private InMemoryTopics() {}

    static BlockingQueue<Object> topic(String name) {
        return TOPICS.computeIfAbsent(name, n -> new LinkedBlockingQueue<>());
    }

    /** A sink appending every record to each of the named topics. */
    static <T> Sink<T> sink(String... names) {
        return new QueueSink<>(List.of(names));
    }

    /** The topic's records as a stream (parallelism 1), each taken from the queue as it comes. */
    static <T> DataStream<T> source(StreamExecutionEnvironment env, String name, Class<T> type) {
        return env.fromSource(new DataGeneratorSource<>(new Take<T>(name), Long.MAX_VALUE, TypeInformation.of(type)),
                WatermarkStrategy.noWatermarks(), name).setParallelism(1);
    }

    /**
     * As {@link #source(StreamExecutionEnvironment, String, Class)}, with a fixed uid, and checkpointable:
     * while the queue is empty the source hands back an empty record (an Avro record of nulls) every
     * 20 ms, dropped right after it, so the task thread is free for checkpoint barriers.
     */
    static <T extends org.apache.avro.specific.SpecificRecord> DataStream<T> source(StreamExecutionEnvironment env, String name,
            Class<T> type, String uid) {
        return env.fromSource(new DataGeneratorSource<>(new TakeOrEmpty<T>(name, type), Long.MAX_VALUE, TypeInformation.of(type)),
                        WatermarkStrategy.noWatermarks(), name).setParallelism(1).uid(uid)
                .filter(r -> r.get(0) != null).name(name + "-records").uid(uid + "-records").setParallelism(1);
    }

    private record TakeOrEmpty<T>(String name, Class<T> type) implements GeneratorFunction<Long, T> {
        @Override
        @SuppressWarnings("unchecked")
        public T map(Long index) throws Exception {
            Object next = topic(name).poll(20, TimeUnit.MILLISECONDS);
            return next != null ? (T) next : type.getDeclaredConstructor().newInstance();
        }
    }

    private record QueueSink<T>(List<String> names) implements Sink<T> {
        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            List<BlockingQueue<Object>> queues = names.stream().map(InMemoryTopics::topic).toList();
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context ctx) {
                    queues.forEach(q -> q.add(element));
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    private record Take<T>(String name) implements GeneratorFunction<Long, T> {
        @Override
        @SuppressWarnings("unchecked")
        public T map(Long index) throws InterruptedException {
            BlockingQueue<Object> q = topic(name);
            while (true) {
                Object next = q.poll(20, TimeUnit.MILLISECONDS);
                if (next != null) {
                    return (T) next;
                }
            }
        }
    }
}
