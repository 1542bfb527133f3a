package goflow.api.pool;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.ClosedException;
import goflow.api.Primitive;
import goflow.api.context.Context;
import goflow.api.context.ContextException;

/**
 * A fixed number of workers (resizable live) that run {@link Task}s taken in FIFO order from a
 * bounded queue. Create one with {@code goflow.workerPool()...build()}.
 *
 * <p><b>Results.</b> Every accepted task gets exactly one {@link TaskResult}: its future completes
 * normally with it (never exceptionally, unless the caller cancels the future itself: then, as for
 * any {@code CompletableFuture}, it is cancelled and {@code join()} throws
 * {@code CancellationException}), and the optional {@link ResultListener} sees it first (the
 * {@code CANCELLED} result of a future cancelled by its caller too).
 * Exceptions and {@link Error}s thrown by a task become a failed result; the worker survives and the
 * pool keeps its size. A submission that is not accepted throws {@link RejectedException} (or the
 * submit context's {@link ContextException}) and has no result.
 *
 * <p><b>Task context.</b> A task runs with a child of its submit context that is also cancelled by
 * the pool's task timeout (counted from the start of the run, on the submit context's clock, which
 * for {@link #submit(Task)} is the pool's clock), by cancelling its future, and by
 * {@link #shutdownNow()}; a deadline passing (the pool's timeout or the submit context's), a future
 * cancelled with {@code mayInterruptIfRunning} and {@code shutdownNow()} also interrupt the worker
 * while it runs that task (a plain cancellation of the submit context does not). The context ends
 * when the task returns. A task whose context is
 * done while it is still queued never starts: its future completes at once with a
 * {@link TaskResult.Outcome#CANCELLED} result.
 *
 * <p><b>Life cycle.</b> {@link State#RUNNING} → {@link #shutdown()} → {@link State#SHUTTING_DOWN}
 * (no intake, every queued task still runs) → {@link State#TERMINATED}; or, at any point,
 * {@link #shutdownNow()} → {@link State#STOPPING} (queued tasks are removed and cancelled, running
 * ones cancelled and interrupted) → {@link State#TERMINATED}. A submit racing with a shutdown is
 * either accepted, and then runs (or, after {@code shutdownNow()}, is cancelled with a result), or
 * rejected: never accepted and lost. Once terminated, no worker thread runs pool code any more.
 * {@link #close()} is {@code shutdown()} and waiting for termination.
 *
 * <p>Thread-safe. Everything a thread does before submitting a task happens-before the task runs,
 * and everything the task does happens-before its future completes.
 */
@ProviderType
public interface WorkerPool extends Primitive, Executor {

    /**
     * Submits a task with a background context on the pool's clock.
     *
     * @param <T> the value type
     * @param task the task
     * @return a future completed with the task's result, always normally; cancelling it cancels the
     *     task (see {@link #submit(Context, Task)})
     * @throws RejectedException if the pool is shut down, the queue is full with
     *     {@link QueueFullPolicy#REJECT}, or the thread is interrupted while waiting for room
     * @throws goflow.api.InvalidConfigException if {@code task} is null
     */
    <T> CompletableFuture<TaskResult<T>> submit(Task<T> task);

    /**
     * Submits a task whose context is a child of {@code ctx}. When the queue is full, this waits for
     * room with {@link QueueFullPolicy#BLOCK} (until {@code ctx} is done, the pool shuts down or the
     * thread is interrupted) or rejects at once with {@link QueueFullPolicy#REJECT}.
     *
     * <p>Cancelling the returned future cancels the task's context (and, if
     * {@code mayInterruptIfRunning}, interrupts it while it runs); the future then reports
     * {@link CompletableFuture#isCancelled() cancelled} and the listener still gets a result.
     *
     * @param <T> the value type
     * @param ctx the parent of the task's context
     * @param task the task
     * @return a future completed with the task's result
     * @throws ContextException if {@code ctx} is done before the task is queued
     * @throws RejectedException if the pool is shut down, the queue is full with
     *     {@link QueueFullPolicy#REJECT}, or the thread is interrupted while waiting for room (its
     *     interrupt flag is then set again)
     * @throws goflow.api.InvalidConfigException if {@code ctx} or {@code task} is null
     */
    <T> CompletableFuture<TaskResult<T>> submit(Context ctx, Task<T> task);

    /**
     * Runs {@code command} on a worker, as {@link #submit(Task)} would with {@link Task#of(Runnable)}
     * but without a future: its result goes to the {@link ResultListener} and the statistics, and a
     * failure is logged when there is no listener. A timeout interrupts it.
     *
     * @param command the work
     * @throws RejectedException if the pool is shut down, the queue is full with
     *     {@link QueueFullPolicy#REJECT}, or the thread is interrupted while waiting for room
     * @throws goflow.api.InvalidConfigException if {@code command} is null
     */
    @Override
    void execute(Runnable command);

    /**
     * Returns the target number of workers.
     *
     * @return the number of workers, as built or last set
     */
    int workers();

    /**
     * Returns the most workers this pool may have ({@link WorkerPoolBuilder#maxWorkers(int)}).
     *
     * @return the upper bound of {@link #workers()}
     */
    int maxWorkers();

    /**
     * Changes the number of workers live. New workers start at once; surplus workers stop after
     * the task they are running, if any. Running and queued tasks are not affected.
     *
     * <p>All or nothing: if a new worker's thread cannot be created or started (the thread factory
     * throws, or the system refuses more threads), the workers started by this call stop again,
     * {@link #workers()} keeps its previous value and the error names the pool, the number and the
     * cause.
     *
     * @param workers the new number, from 1 to {@link #maxWorkers()}
     * @throws goflow.api.InvalidConfigException if {@code workers} is not positive, is above
     *     {@link #maxWorkers()}, or its threads cannot be started (the cause tells why)
     * @throws ClosedException if the pool is shut down
     */
    void setWorkers(int workers);

    /**
     * Returns the queue's capacity.
     *
     * @return the capacity; 0 means a task is accepted only when a worker is idle
     */
    int queueCapacity();

    /**
     * Stops intake; every task already accepted still runs. Idempotent.
     *
     * @return the {@link #termination()} future
     */
    CompletableFuture<Void> shutdown();

    /**
     * Stops intake, removes the queued tasks and completes their futures with a
     * {@link TaskResult.Outcome#CANCELLED} result, and cancels the contexts of running tasks and
     * interrupts them. Idempotent; may follow {@link #shutdown()}.
     *
     * @return the tasks that never started, in queue order, except that the tasks workers had
     *     already taken from the queue in batches (when the queue is long) come first, worker by
     *     worker; empty on later calls
     */
    List<Task<?>> shutdownNow();

    /**
     * Returns the future that completes when the pool has terminated: shut down, with no task
     * queued or running and every worker stopped. The same object on every call.
     *
     * @return the termination future
     */
    CompletableFuture<Void> termination();

    /**
     * Returns whether {@link #shutdown()} or {@link #shutdownNow()} was called.
     *
     * @return true once shutting down or terminated
     */
    boolean isShutdown();

    /**
     * Returns whether the pool has terminated.
     *
     * @return true once terminated
     */
    boolean isTerminated();

    /**
     * Waits until the pool has terminated and its worker threads have ended, or the timeout passes.
     * It does not shut the pool down.
     *
     * @param timeout how long to wait at most, on the pool's clock
     * @return true if terminated, false if the timeout passed first
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws goflow.api.InvalidConfigException if {@code timeout} is null
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException;

    /**
     * Returns a statistics snapshot.
     *
     * @return the statistics
     */
    @Override
    PoolStats stats();

    /**
     * Shuts down (see {@link #shutdown()}), waits for termination and removes the pool from the
     * registry. If the waiting thread is interrupted, this escalates to {@link #shutdownNow()},
     * keeps waiting and sets the interrupt flag again before returning. Called from one of the
     * pool's own tasks, or from a result listener or future callback while the pool delivers a
     * result (termination waits for that delivery), it only shuts down. Idempotent.
     */
    @Override
    void close();

    /** The life-cycle states of a pool; see {@link WorkerPool}. */
    enum State {
        /** Accepting and running tasks. */
        RUNNING,
        /** {@link #shutdown()} was called: not accepting, still running the queued tasks. */
        SHUTTING_DOWN,
        /** {@link #shutdownNow()} was called: not accepting, running tasks are being cancelled. */
        STOPPING,
        /** No task queued or running, every worker stopped. */
        TERMINATED
    }
}
