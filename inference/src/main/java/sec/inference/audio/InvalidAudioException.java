package sec.inference.audio;

/**
 * Audio that cannot be decoded. The message always starts with the source (a file name, or "frame"
 * for streamed payloads) so that a failure in a stream of thousands of calls can be traced back.
 */
public class InvalidAudioException extends RuntimeException {

    private final String source;

    public InvalidAudioException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    /**
     * For callers that already wrote "source: problem" themselves; {@link #source()} is the text
     * before the first ": " (the whole message when there is none).
     */
    public InvalidAudioException(String message) {
        super(message);
        int colon = message == null ? -1 : message.indexOf(": ");
        this.source = colon < 0 ? message : message.substring(0, colon);
    }

    public InvalidAudioException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
    }

    /** The file name or "frame" the message refers to. */
    public String source() {
        return source;
    }
}
