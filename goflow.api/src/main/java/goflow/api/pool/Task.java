package goflow.api.pool;

import java.util.Objects;

import org.osgi.annotation.versioning.ConsumerType;

import goflow.api.context.Context;

/**
 * A unit of work for a {@link WorkerPool}: computes a value, or throws.
 *
 * <p>The pool calls {@link #run(Context)} at most once per submission, on one of its worker
 * threads. The context it passes is done when the submitter's context is, when the pool's task
 * timeout passes, when the task's future is cancelled, or on {@link WorkerPool#shutdownNow()}; a
 * long-running task should check it ({@link Context#isDone()}, {@link Context#throwIfDone()}) or
 * block only in operations that honour it or thread interruption. The context ends when the task
 * returns, so work the task hands on must not outlive it under this context.
 *
 * <p>Implementations need not be thread-safe unless the same instance is submitted more than once
 * concurrently: everything the submitting thread did before {@code submit} happens-before
 * {@code run} starts.
 *
 * @param <T> the type of the value computed; {@link Void} (returning {@code null}) for none
 */
@ConsumerType
@FunctionalInterface
public interface Task<T> {

    /**
     * Does the work.
     *
     * @param ctx the task's context: check it to stop early when it is done
     * @return the value, may be {@code null}
     * @throws Exception anything: it becomes a {@link TaskResult.Outcome#FAILED failed} result
     *     (or a cancelled or timed-out one when {@code ctx} was done), never a dead worker
     */
    T run(Context ctx) throws Exception;

    /**
     * Adapts a {@link Runnable} (which cannot see the context; it is interrupted instead) to a
     * task whose value is {@code null}. {@link WorkerPool#execute(Runnable)} uses this adapter, so
     * {@link WorkerPool#shutdownNow()} returns executed runnables in this form; its
     * {@code toString()} is the runnable's.
     *
     * @param runnable the work
     * @return a task running {@code runnable}
     * @throws NullPointerException if {@code runnable} is null
     */
    static Task<Void> of(Runnable runnable) {
        Objects.requireNonNull(runnable, "runnable");
        return new Task<>() {
            @Override
            public Void run(Context ctx) {
                runnable.run();
                return null;
            }

            @Override
            public String toString() {
                return runnable.toString();
            }
        };
    }
}
