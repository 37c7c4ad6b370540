package sec.jobs.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The page's header figures from the caption stream itself: ρ (tokens sent to the cloud over tokens
 * drafted) and the acceptance rate over the captions of the last minute, and the calls heard from
 * in the last 30 s (captions carry no "call ended", so a quiet call stops counting as active).
 * Memory is bounded by the window: one entry per caption of the last minute, one per active call.
 */
final class LiveStats {
    static final long WINDOW_MS = 60_000;
    static final long ACTIVE_MS = 30_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Sample(long at, int drafted, int sent, int accepted) {}

    private final ArrayDeque<Sample> window = new ArrayDeque<>();
    private final Map<String, Long> lastHeard = new HashMap<>();
    private long captions;
    private long alerts;

    synchronized void caption(String callId, int drafted, int sent, int accepted, long now) {
        window.addLast(new Sample(now, drafted, sent, accepted));
        lastHeard.put(callId, now);
        captions++;
    }

    synchronized void alert() {
        alerts++;
    }

    synchronized ObjectNode snapshot(long now) {
        while (!window.isEmpty() && window.peekFirst().at() < now - WINDOW_MS) {
            window.removeFirst();
        }
        lastHeard.values().removeIf(t -> t < now - ACTIVE_MS);
        long drafted = 0;
        long sent = 0;
        long accepted = 0;
        for (Sample s : window) {
            drafted += s.drafted();
            sent += s.sent();
            accepted += s.accepted();
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "stats");
        n.put("activeCalls", lastHeard.size());
        n.put("captions", captions);
        n.put("alerts", alerts);
        if (drafted > 0) {
            n.put("rho", (double) sent / drafted);
        } else {
            n.putNull("rho");
        }
        if (sent > 0) {
            n.put("acceptance", (double) accepted / sent);
        } else {
            n.putNull("acceptance");
        }
        n.put("windowCaptions", window.size());
        n.put("at", now);
        return n;
    }
}
