package goflow.api.pool;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Sees the result of every task a {@link WorkerPool} accepted, including tasks run through
 * {@link WorkerPool#execute(Runnable)} and tasks that were cancelled before they started.
 *
 * <p>Called on the thread that produced the result (normally the worker that ran the task; for a
 * task cancelled while queued, the thread that cancelled it), before the task's future completes,
 * so it may be called from several threads at once: implementations must be thread-safe, short
 * and non-blocking. An exception it throws is logged and otherwise ignored.
 */
@ConsumerType
@FunctionalInterface
public interface ResultListener {

    /**
     * Receives one result.
     *
     * @param task the task as submitted ({@link Task#of(Runnable)} adapters for executed runnables)
     * @param result its result
     */
    void onResult(Task<?> task, TaskResult<?> result);
}
