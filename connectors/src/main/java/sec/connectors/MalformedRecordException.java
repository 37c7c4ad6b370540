package sec.connectors;

/** Bytes on a topic that are not the record type the topic carries; the reason goes to the dead letter. */
public class MalformedRecordException extends RuntimeException {
    public MalformedRecordException(String reason) {
        super(reason);
    }

    public MalformedRecordException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
