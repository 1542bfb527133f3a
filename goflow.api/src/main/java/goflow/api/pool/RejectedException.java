package goflow.api.pool;

import java.io.Serial;
import java.util.Objects;

import goflow.api.GoFlowException;

/**
 * Thrown by {@link WorkerPool#submit} and {@link WorkerPool#execute} when a task is not accepted:
 * the pool is shut down, its queue is full with {@link QueueFullPolicy#REJECT}, or the submitting
 * thread was interrupted while waiting for room. A rejected task never runs and has no result.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class RejectedException extends GoFlowException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason why the task was refused
     * @param message names the pool and the reason
     * @param cause the underlying cause (the {@link InterruptedException}), may be {@code null}
     */
    public RejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Returns why the task was refused.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }

    /** Why a task was refused. */
    public enum Reason {
        /** The pool was shut down before the task could be queued. */
        SHUT_DOWN,
        /** The queue was full and the pool rejects rather than blocks. */
        QUEUE_FULL,
        /** The submitting thread was interrupted while waiting for room; its interrupt flag is set again. */
        INTERRUPTED
    }
}
