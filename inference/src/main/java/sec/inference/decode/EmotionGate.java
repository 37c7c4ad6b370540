package sec.inference.decode;

import java.util.Set;

/**
 * The gate at the tokens that decide a caption's emotion: its first token (the template, which the
 * emotion picks) and the tokens of emotion words. A user reads one thing in a caption, the
 * emotion, so those tokens are sent to the cloud at a lower entropy ({@code tau}) than the rest,
 * whose words the templates nearly fix. A {@code tau} at or above the block gate's changes nothing.
 */
public record EmotionGate(double tau, Set<Long> emotionTokens) {

    public EmotionGate {
        emotionTokens = Set.copyOf(emotionTokens);
    }

    /** Whether the token at this caption position (0 = first) decides the emotion. */
    public boolean decides(int position, long token) {
        return position == 0 || emotionTokens.contains(token);
    }

    /** The entropy over which the block holding this token is sent, given the block gate's τ. */
    public double limit(double blockTau, int position, long token) {
        return decides(position, token) ? Math.min(blockTau, tau) : blockTau;
    }
}
