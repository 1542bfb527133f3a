package goflow.api.context;

import java.io.Serial;

/**
 * The {@link Context}'s deadline passed (its own, or an ancestor's), or an operation found that it
 * could not finish before the deadline and failed at once instead of waiting in vain.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class DeadlineExceededException extends ContextException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with the standard message.
     */
    public DeadlineExceededException() {
        this("context deadline exceeded");
    }

    /**
     * Creates the exception with a message that explains which deadline could not be met.
     *
     * @param message the explanation
     */
    public DeadlineExceededException(String message) {
        super(message, null);
    }

    @Override
    public ContextException rethrowable() {
        return new DeadlineExceededException(getMessage());
    }
}
