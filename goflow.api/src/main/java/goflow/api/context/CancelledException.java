package goflow.api.context;

import java.io.Serial;

/**
 * The {@link Context} was cancelled: explicitly through {@link CancellableContext#cancel()}, or
 * because an ancestor was cancelled. {@link #getCause()} holds the cause given to
 * {@link CancellableContext#cancel(Throwable)}, if any.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class CancelledException extends ContextException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param cause why the context was cancelled, may be {@code null}
     */
    public CancelledException(Throwable cause) {
        super(cause == null ? "context cancelled" : "context cancelled: " + cause.getMessage(), cause);
    }

    @Override
    public ContextException rethrowable() {
        return new CancelledException(getCause());
    }
}
