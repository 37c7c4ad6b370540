package sec.cli.inject;

import java.time.Duration;
import java.util.Locale;

/**
 * What {@code --inject} asks for: a share of extra bad frames among the good ones, and a verifier
 * outage of some length starting some time after the frames start. Parsed from
 * {@code bad-frames=0.05,verifier-outage=10s[@5s]}; either part may be left out.
 */
public record FaultInjection(double badFrameRate, Duration outage, Duration outageStart) {
    public static final FaultInjection NONE = new FaultInjection(0, Duration.ZERO, Duration.ZERO);

    public FaultInjection {
        if (badFrameRate < 0 || badFrameRate > 1) {
            throw new IllegalArgumentException("bad-frames must be a share between 0 and 1, got " + badFrameRate);
        }
        if (outage.isNegative() || outageStart.isNegative()) {
            throw new IllegalArgumentException("verifier-outage must not be negative");
        }
    }

    public static FaultInjection parse(String spec) {
        double rate = 0;
        Duration outage = Duration.ZERO;
        Duration start = Duration.ZERO;
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("--inject takes name=value pairs, got '" + part + "'");
            }
            switch (kv[0].trim()) {
                case "bad-frames" -> rate = Double.parseDouble(kv[1].trim());
                case "verifier-outage" -> {
                    String[] at = kv[1].trim().split("@", 2);
                    outage = duration(at[0]);
                    start = at.length == 2 ? duration(at[1]) : Duration.ZERO;
                }
                default -> throw new IllegalArgumentException("--inject knows bad-frames and verifier-outage, not '"
                        + kv[0].trim() + "'");
            }
        }
        return new FaultInjection(rate, outage, start);
    }

    /** 10s, 500ms, 2m. */
    static Duration duration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            }
            if (t.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("not a duration (10s, 500ms, 2m): '" + s + "'");
    }

    public boolean any() {
        return badFrameRate > 0 || !outage.isZero();
    }
}
