package sec.cli.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where events meet pages: the last {@code replay} caption and alert events (so a page opened late
 * shows the calls in progress) and one bounded queue per open page. A page that stops reading is
 * dropped when its queue fills rather than holding memory; its EventSource reconnects and gets the
 * replay again.
 */
final class DashboardHub {
    private final int replay;
    private final int queueLimit;
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private String lastStats;

    /** One open page: the events it has yet to send; closed when it fell too far behind. */
    static final class Subscriber {
        private final BlockingQueue<String> queue;
        private volatile boolean overflowed;

        private Subscriber(int limit) {
            queue = new ArrayBlockingQueue<>(limit);
        }

        /** The next event, or null after {@code timeoutMs} without one (the page then gets a keep-alive). */
        String next(long timeoutMs) throws InterruptedException {
            return queue.poll(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        boolean overflowed() {
            return overflowed;
        }
    }

    DashboardHub(int replay, int queueLimit) {
        this.replay = replay;
        this.queueLimit = queueLimit;
    }

    /** A caption or alert: kept for replay and sent to every page. */
    synchronized void publish(String event) {
        recent.addLast(event);
        if (recent.size() > replay) {
            recent.removeFirst();
        }
        offerAll(event);
    }

    /** Figures that replace the previous ones: only the latest is kept. */
    synchronized void publishStats(String event) {
        lastStats = event;
        offerAll(event);
    }

    private void offerAll(String event) {
        for (Subscriber s : subscribers) {
            if (!s.queue.offer(event)) {
                s.overflowed = true;
                subscribers.remove(s);
            }
        }
    }

    /** A new page: what it missed (up to the replay limit) first, then everything new, in order. */
    synchronized Subscriber subscribe() {
        Subscriber s = new Subscriber(queueLimit + replay + 1);
        List<String> backlog = new ArrayList<>(recent);
        if (lastStats != null) {
            backlog.add(lastStats);
        }
        s.queue.addAll(backlog);
        subscribers.add(s);
        return s;
    }

    void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    int pages() {
        return subscribers.size();
    }
}
