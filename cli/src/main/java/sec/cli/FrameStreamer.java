package sec.cli;

import java.util.List;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import sec.connectors.AvroCodec;
import sec.cli.inject.BadFrames;
import sec.schemas.AudioFrame;
import sec.devkit.CallFrames;

/**
 * Streams calls into the frames topic as a telephony system would: all calls at once, frame step
 * by frame step, each frame when its start time comes ({@code speed} times real time; 0 = as fast
 * as possible), call i starting {@code staggerMs * i} later; extra records (fault injection) go in
 * at their own times. Keyed by call id, so a call's frames stay in order in one partition.
 */
public final class FrameStreamer {
    private final double speed;
    private final long staggerMs;

    public FrameStreamer(double speed, long staggerMs) {
        if (speed < 0) {
            throw new IllegalArgumentException("speed must be >= 0 (0: as fast as possible), got " + speed);
        }
        this.speed = speed;
        this.staggerMs = staggerMs;
    }

    /**
     * Sends everything; returns the number of frames sent (extra records not counted). The first
     * send that fails (a deleted topic, refused credentials) stops the stream with its cause.
     */
    public int stream(Producer<byte[], byte[]> producer, String topic, List<List<AudioFrame>> calls,
            List<BadFrames.Timed> extra) throws InterruptedException {
        AvroCodec<AudioFrame> codec = new AvroCodec<>(AudioFrame.class);
        java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
        org.apache.kafka.clients.producer.Callback onFailure = (meta, e) -> {
            if (e != null) {
                failed.compareAndSet(null, e);
            }
        };
        int[] next = new int[calls.size()];
        int nextExtra = 0;
        int sent = 0;
        long start = System.nanoTime();
        for (long t = 0; ; t += CallFrames.FRAME_MS) {
            for (; nextExtra < extra.size() && extra.get(nextExtra).atMs() <= t; nextExtra++) {
                producer.send(new ProducerRecord<>(topic, extra.get(nextExtra).key(), extra.get(nextExtra).value()), onFailure);
            }
            boolean any = nextExtra < extra.size();
            for (int c = 0; c < calls.size(); c++) {
                List<AudioFrame> s = calls.get(c);
                while (next[c] < s.size() && s.get(next[c]).getStartMs() + c * staggerMs <= t) {
                    AudioFrame f = s.get(next[c]++);
                    producer.send(new ProducerRecord<>(topic, f.getCallId().getBytes(), codec.encode(f)), onFailure);
                    sent++;
                }
                any |= next[c] < s.size();
            }
            if (!any) {
                producer.flush();
            }
            if (failed.get() != null) {
                throw new IllegalStateException("sending frames to " + topic + " failed: " + failed.get().getMessage(), failed.get());
            }
            if (!any) {
                return sent;
            }
            if (speed > 0) {
                long wait = start + (long) ((t + CallFrames.FRAME_MS) * 1_000_000L / speed) - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                }
            }
        }
    }
}
