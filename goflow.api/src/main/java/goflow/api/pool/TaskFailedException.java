package goflow.api.pool;

import java.io.Serial;
import java.util.Objects;

import goflow.api.GoFlowException;

/**
 * Thrown by {@link TaskResult#valueOrThrow()} when the task did not succeed; the cause is what the
 * task threw (or the context error of a task cancelled before it started).
 *
 * <p>Instances are immutable and safe to share between threads (the result is not serialized).
 */
public class TaskFailedException extends GoFlowException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient TaskResult<?> result;

    /**
     * Creates the exception.
     *
     * @param result the unsuccessful result
     */
    public TaskFailedException(TaskResult<?> result) {
        super("task " + Objects.requireNonNull(result, "result").outcome().name().toLowerCase(java.util.Locale.ROOT)
                + (result.failure() == null ? "" : ": " + result.failure()), result.failure());
        this.result = result;
    }

    /**
     * Returns the unsuccessful result (null after deserialization).
     *
     * @return the result
     */
    public TaskResult<?> result() {
        return result;
    }
}
