package goflow.api.schedule;

import java.io.Serial;

import goflow.api.GoFlowException;

/**
 * Thrown by a {@link LeaseProvider} or {@link Lease} when the store that keeps the leases cannot be
 * reached or fails in time: the caller cannot know who holds the lease, so it must act as if
 * another node did.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class LeaseException extends GoFlowException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the lease, the store and what failed
     * @param cause the underlying failure, may be {@code null}
     */
    public LeaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
