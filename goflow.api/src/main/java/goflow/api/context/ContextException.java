package goflow.api.context;

import java.io.Serial;

import goflow.api.GoFlowException;

/**
 * Thrown by an operation that stopped because its {@link Context} is done. Catch this type to
 * handle both kinds of ending; catch {@link CancelledException} or
 * {@link DeadlineExceededException} to tell them apart.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public abstract sealed class ContextException extends GoFlowException
        permits CancelledException, DeadlineExceededException {
    @Serial
    private static final long serialVersionUID = 1L;

    ContextException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Returns a new exception of the same kind, with the same message and cause, whose stack trace
     * is that of the calling thread; used when a done context is reported to a waiter.
     *
     * @return a fresh exception of the same class
     */
    public abstract ContextException rethrowable();
}
