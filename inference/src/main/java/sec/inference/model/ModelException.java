package sec.inference.model;

/** A model file is missing, unreadable or does not match the manifest. The message names the file. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
