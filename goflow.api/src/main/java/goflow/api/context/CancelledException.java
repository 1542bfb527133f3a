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
     * Creates the exception. Its message is {@code "context cancelled"}, followed by the cause's
     * message (or, when it has none or it cannot be read, its class name).
     *
     * @param cause why the context was cancelled, may be {@code null}
     */
    public CancelledException(Throwable cause) {
        super(message(cause), cause);
    }

    private static String message(Throwable cause) {
        if (cause == null) {
            return "context cancelled";
        }
        String why;
        try {
            why = cause.getMessage();
        } catch (Throwable unreadable) {
            // a message that cannot be read must not stop the cancel (this is made inside it): name the class
            why = null;
        }
        return "context cancelled: " + (why != null ? why : cause.getClass().getName());
    }

    @Override
    public ContextException rethrowable() {
        return new CancelledException(getCause());
    }
}
