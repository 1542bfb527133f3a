package goflow.api;

import java.io.Serial;

/**
 * Thrown when an operation is attempted on a primitive that has been closed or shut down, and to
 * waiters that were blocked on a primitive when it was closed.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class ClosedException extends GoFlowException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the primitive and the refused operation
     */
    public ClosedException(String message) {
        super(message);
    }
}
