package sec.inference.drafter;

/**
 * One utterance after the edge encoders: the drafter's encoder states (stay on the edge) and the
 * int8 acoustic context (the only audio-derived data sent to the verifier).
 */
public record EncodedAudio(float[] states, int steps, int dim, byte[] context, int contextDim) {
    public EncodedAudio {
        if (states.length != steps * dim || context.length != steps * contextDim) {
            throw new IllegalArgumentException("encoded audio sizes do not match " + steps + " steps");
        }
    }
}
