package sec.cli.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import sec.inference.decode.TokenShareWindow;

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

    private final TokenShareWindow window = new TokenShareWindow(WINDOW_MS);
    private final Map<String, Long> lastHeard = new HashMap<>();
    private long captions;
    private long alerts;

    synchronized void caption(String callId, int drafted, int sent, int accepted, long now) {
        window.add(now, drafted, sent, accepted);
        lastHeard.put(callId, now);
        captions++;
    }

    synchronized void alert() {
        alerts++;
    }

    synchronized ObjectNode snapshot(long now) {
        lastHeard.values().removeIf(t -> t < now - ACTIVE_MS);
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "stats");
        n.put("activeCalls", lastHeard.size());
        n.put("captions", captions);
        n.put("alerts", alerts);
        OptionalDouble rho = window.rho(now);
        OptionalDouble acceptance = window.acceptance(now);
        if (rho.isPresent()) {
            n.put("rho", rho.getAsDouble());
        } else {
            n.putNull("rho");
        }
        if (acceptance.isPresent()) {
            n.put("acceptance", acceptance.getAsDouble());
        } else {
            n.putNull("acceptance");
        }
        n.put("windowCaptions", window.size(now));
        n.put("at", now);
        return n;
    }
}
