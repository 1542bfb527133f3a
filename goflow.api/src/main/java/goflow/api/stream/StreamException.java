package goflow.api.stream;

import java.io.Serial;

import goflow.api.GoFlowException;

/**
 * Thrown by a terminal operation when a stream source fails with a checked exception (opening,
 * reading or closing it), or when closing a source fails after the operation itself succeeded.
 * The source's exception is the {@link #getCause() cause}. Exceptions thrown by the functions given
 * to the stream's operations are not wrapped: they reach the caller unchanged.
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
     * @param cause the source's exception
     */
    public StreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
