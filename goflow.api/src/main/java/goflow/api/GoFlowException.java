package goflow.api;

import java.io.Serial;

/**
 * Root of every exception goflow throws. All goflow exceptions are unchecked; blocking operations
 * additionally declare the checked {@link InterruptedException}.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class GoFlowException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what went wrong
     */
    public GoFlowException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what went wrong
     * @param cause the underlying failure, may be {@code null}
     */
    public GoFlowException(String message, Throwable cause) {
        super(message, cause);
    }
}
