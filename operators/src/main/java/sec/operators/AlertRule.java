package sec.operators;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One supervisor alert rule over a call's captions, written in the job settings as
 * {@code name: key=value key=value ...}, rules separated by {@code ;}:
 * <ul>
 *   <li>{@code customer-angry: channel=CUSTOMER emotion=angry|frustrated consecutive=2}: the channel's last
 *       {@code consecutive} captions all name one of the emotions;</li>
 *   <li>{@code calm-to-anger: channel=ANY from=calm to=angry within-ms=30000}: a caption naming a {@code to}
 *       emotion within {@code within-ms} (call time) after one naming a {@code from} emotion, on the same channel.</li>
 * </ul>
 * {@code channel=ANY} watches every channel, each on its own. A rule fires once per match; a streak
 * has to break before the same consecutive rule fires again on that channel.
 */
public record AlertRule(String name, String channel, Set<String> emotions, int consecutive, Set<String> from,
        long withinMs) implements Serializable {

    /** The two rules of the example, and one for a customer low or worried twice in a row. */
    public static final String DEFAULTS = "customer-angry: channel=CUSTOMER emotion=angry|frustrated consecutive=2;"
            + " calm-to-anger: channel=ANY from=calm to=angry within-ms=30000;"
            + " customer-distressed: channel=CUSTOMER emotion=sad|anxious consecutive=2";

    public boolean transition() {
        return !from.isEmpty();
    }

    public boolean watches(String captionChannel) {
        return channel.equals("ANY") || channel.equals(captionChannel);
    }

    /** The rules of a setting; a rule that cannot be read is an error naming it and what is wrong. */
    public static List<AlertRule> parse(String spec) {
        List<AlertRule> rules = new ArrayList<>();
        for (String text : spec.split(";")) {
            if (text.isBlank()) {
                continue;
            }
            int colon = text.indexOf(':');
            if (colon <= 0) {
                throw bad(text, "a rule is NAME: key=value ...");
            }
            String name = text.substring(0, colon).trim();
            Map<String, String> kv = new LinkedHashMap<>();
            for (String part : text.substring(colon + 1).trim().split("\\s+")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw bad(text, "'" + part + "' is not key=value");
                }
                kv.put(part.substring(0, eq), part.substring(eq + 1));
            }
            String channel = kv.getOrDefault("channel", "ANY").toUpperCase();
            if (!Set.of("ANY", "AGENT", "CUSTOMER", "MONO").contains(channel)) {
                throw bad(text, "channel must be ANY, AGENT, CUSTOMER or MONO");
            }
            try {
                if (kv.containsKey("from")) {
                    rules.add(new AlertRule(name, channel, set(kv.get("to")), 0, set(kv.get("from")),
                            Long.parseLong(kv.getOrDefault("within-ms", "30000"))));
                } else {
                    rules.add(new AlertRule(name, channel, set(kv.get("emotion")), Integer.parseInt(kv.getOrDefault("consecutive", "1")),
                            Set.of(), 0));
                }
            } catch (NumberFormatException e) {
                throw bad(text, "consecutive and within-ms are whole numbers");
            }
            kv.keySet().removeAll(List.of("channel", "emotion", "consecutive", "from", "to", "within-ms"));
            if (!kv.isEmpty()) {
                throw bad(text, "unknown key(s) " + kv.keySet());
            }
        }
        return rules;
    }

    private static Set<String> set(String emotions) {
        if (emotions == null || emotions.isBlank()) {
            throw new IllegalArgumentException("no emotion named");
        }
        return new TreeSet<>(Arrays.asList(emotions.toLowerCase().split("\\|")));
    }

    private static IllegalArgumentException bad(String rule, String why) {
        return new IllegalArgumentException("alerts.rules: '" + rule.trim() + "': " + why);
    }
}
