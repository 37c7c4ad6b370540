package sec.inference.drafter;

import java.util.Arrays;

/**
 * The drafter's per-utterance decoding state: encoder output, KV cache and the tokens fed so far
 * (prompt included). Plain data: no native handles, so it can live in keyed state.
 */
public final class DraftSession {
    private final EncodedAudio audio;
    private final KvCache cache;
    private long[] fed = new long[16];
    private float[] lastLogits;

    DraftSession(EncodedAudio audio, KvCache cache) {
        this.audio = audio;
        this.cache = cache;
    }

    public EncodedAudio audio() {
        return audio;
    }

    public KvCache cache() {
        return cache;
    }

    /** Number of tokens in the cache (prompt included). */
    public int length() {
        return cache.length();
    }

    public long fed(int i) {
        return fed[i];
    }

    /** Logits predicting the token after the last one fed. */
    public float[] lastLogits() {
        return lastLogits;
    }

    void appendFed(long[] ids, float[] logits) {
        int start = cache.length() - ids.length;
        if (fed.length < cache.length()) {
            fed = Arrays.copyOf(fed, Math.max(cache.length(), fed.length * 2));
        }
        System.arraycopy(ids, 0, fed, start, ids.length);
        lastLogits = logits;
    }

    /** Rolls back to the first {@code length} tokens; the next feed recomputes the logits. */
    void truncate(int length) {
        cache.truncate(length);
        lastLogits = null;
    }
}
