package goflow.api.pool;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one task accepted by a {@link WorkerPool}: its value, or what it threw (with its
 * stack trace), how long it ran and on which worker. Every accepted task gets exactly one result,
 * delivered to its future and to the pool's {@link ResultListener}.
 *
 * <p>Outcomes:
 * <ul>
 * <li>{@link Outcome#SUCCEEDED}: the task returned; {@code value} is what it returned (may be
 *     null), {@code failure} is null.</li>
 * <li>{@link Outcome#FAILED}: the task threw an exception or an {@link Error} while its context
 *     was live; {@code failure} is that throwable.</li>
 * <li>{@link Outcome#TIMED_OUT}: the task threw after its context's deadline passed (the pool's
 *     task timeout or the submitter's deadline); {@code failure} is what it threw.</li>
 * <li>{@link Outcome#CANCELLED}: the task threw after its context was cancelled, or it never
 *     started because its context was done while it was queued, its future was cancelled, or the
 *     pool was shut down now. A task that never started has {@code workerId} -1, a zero duration,
 *     and the context's error (or a {@link goflow.api.context.CancelledException}) as failure.</li>
 * </ul>
 * A task that returns normally succeeds even if its context was done by then.
 *
 * <p>Immutable and thread-safe when {@code value} is.
 *
 * @param <T> the value type
 * @param outcome how the task ended
 * @param value what the task returned; null unless {@code outcome} is {@link Outcome#SUCCEEDED}
 * @param failure what the task threw; null if and only if it succeeded
 * @param duration from the moment a worker took the task to its end (for a task taken straight after
 *     the worker's previous one, from that one's end); zero if it never started, and zero for
 *     every task of a pool that does not measure task times
 *     ({@link WorkerPoolBuilder#measureTaskTimes(boolean)})
 * @param workerId the id of the worker that ran it (0, 1, ... in creation order), or -1 if none did
 */
public record TaskResult<T>(Outcome outcome, T value, Throwable failure, Duration duration, int workerId) {

    /**
     * Validates the components.
     *
     * @param outcome how the task ended
     * @param value what the task returned
     * @param failure what the task threw
     * @param duration how long it ran
     * @param workerId the worker's id, or -1
     */
    public TaskResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(duration, "duration");
        if (outcome == Outcome.SUCCEEDED ? failure != null : failure == null) {
            throw new IllegalArgumentException("failure must be null exactly when the outcome is SUCCEEDED, got "
                    + outcome + " with failure " + failure);
        }
        if (outcome != Outcome.SUCCEEDED && value != null) {
            throw new IllegalArgumentException("value must be null when the outcome is " + outcome);
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, got " + duration);
        }
        if (workerId < -1) {
            throw new IllegalArgumentException("workerId must be -1 or more, got " + workerId);
        }
    }

    /**
     * Returns whether the task returned normally.
     *
     * @return {@code outcome() == SUCCEEDED}
     */
    public boolean succeeded() {
        return outcome == Outcome.SUCCEEDED;
    }

    /**
     * Returns the value of a successful task, or throws.
     *
     * @return the value, may be null
     * @throws TaskFailedException if the task did not succeed; its cause is {@link #failure()}
     */
    public T valueOrThrow() {
        if (outcome != Outcome.SUCCEEDED) {
            throw new TaskFailedException(this);
        }
        return value;
    }

    /** How a task ended. */
    public enum Outcome {
        /** The task returned a value. */
        SUCCEEDED,
        /** The task threw while its context was live. */
        FAILED,
        /** The task was cancelled, before or while it ran. */
        CANCELLED,
        /** The task's deadline passed while it ran, and it threw. */
        TIMED_OUT
    }
}
