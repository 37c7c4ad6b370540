package sec.connectors;

/** The Kafka cluster refused this client (authentication or TLS): fix the settings, retrying will not help. */
public final class KafkaAccessException extends RuntimeException {
    public KafkaAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
