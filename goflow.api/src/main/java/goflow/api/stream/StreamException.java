package goflow.api.stream;

import java.io.Serial;

import goflow.api.GoFlowException;

/**
 * Thrown by a terminal operation when a stream source fails with a checked exception (opening,
 * reading or closing it), when a function given to an operation throws a checked exception other
 * than {@link InterruptedException}, or when closing a source fails after the operation itself
 * succeeded. That exception is the {@link #getCause() cause}, unchanged; the message names the
 * stream and what failed. Unchecked exceptions and errors thrown by the functions given to the
 * stream's operations are not wrapped: they reach the caller unchanged.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class StreamException extends GoFlowException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the stream and what failed
     * @param cause the exception of the source or function
     */
    public StreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
