package goflow.impl.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

import goflow.api.Registration;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.pool.Task;
import goflow.api.pool.TaskResult;

/**
 * One accepted submission: the queue node, the task's future (this object itself, so a submit
 * allocates one object besides the task's context) and the state that decides who produces its
 * result.
 *
 * <p>State machine, on {@code state} (CAS through {@link #STATE}):
 * <pre>
 *   PENDING --(queued, under the pool lock)--> NEW
 *   NEW --(worker starts it)--> RUNNING --(worker ends it)--> DONE
 *   NEW --(cancelled while queued or just dequeued)--> CANCELLED
 *   RUNNING --(interrupter)--> INTERRUPTING --(interrupt sent)--> RUNNING
 * </pre>
 * Whoever wins the CAS out of NEW produces the result: the worker (RUNNING) or the canceller
 * (CANCELLED). The INTERRUPTING state guarantees an interrupt meant for this task never reaches
 * the worker after the task has ended: the worker spins out of it before moving to DONE (the
 * pattern of {@code FutureTask}).
 *
 * <p>Thread-safe. Fields other than {@code state}, {@code ctx}, {@code runner} and
 * {@code stopReason} are written before the job is queued and published by the pool lock.
 */
final class Job<T> extends CompletableFuture<TaskResult<T>> implements Runnable {
    // PENDING is 0, the default: no volatile store (and fence) in the constructor.
    static final int PENDING = 0;
    static final int NEW = 1;
    static final int RUNNING = 2;
    static final int INTERRUPTING = 3;
    static final int DONE = 4;
    static final int CANCELLED = 5;

    /** No stop was requested. */
    static final int STOP_NONE = 0;
    /** The timeout passed (used for executed runnables, which have no context). */
    static final int STOP_TIMEOUT = 1;
    /** The job was cancelled (future cancel or shutdownNow). */
    static final int STOP_CANCEL = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Job.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final WorkerPoolImpl pool;
    /** The {@link Task}, or for an executed job (parent null) the {@link Runnable}. */
    private final Object work;
    /** The submit context; null for executed runnables, which get no context of their own. */
    final Context parent;
    /** Watches {@code parent} while queued; closed when the job starts. */
    Registration queuedWatch = Registration.NONE;

    private volatile int state;
    /**
     * The task's context and the worker thread, written by the worker before its CAS to RUNNING
     * and read only after reading {@code state} (or a CAS on it) saw RUNNING or later: plain
     * fields, published by that CAS.
     */
    TaskContext ctx;
    Thread runner;
    /** Why the job was stopped while running, for jobs without a context; see STOP_*. */
    volatile int stopReason;

    Job(WorkerPoolImpl pool, Task<T> task, Context parent) {
        this.pool = pool;
        this.work = task;
        this.parent = parent;
    }

    private Job(WorkerPoolImpl pool, Runnable command) {
        this.pool = pool;
        this.work = command;
        this.parent = null;
    }

    /** A job for {@code Executor.execute}: no context, no observer of its future. */
    static Job<Void> executed(WorkerPoolImpl pool, Runnable command) {
        return new Job<>(pool, command);
    }

    /** Returns the task as submitted, or a {@link Task#of(Runnable)} adapter for an executed runnable. */
    @SuppressWarnings("unchecked")
    Task<T> task() {
        return parent != null ? (Task<T>) work : (Task<T>) Task.of((Runnable) work);
    }

    /** Runs the work: the task with {@code ctx}, or the runnable. */
    @SuppressWarnings("unchecked")
    T runWork(Context ctx) throws Exception {
        if (parent == null) {
            ((Runnable) work).run();
            return null;
        }
        return ((Task<T>) work).run(ctx);
    }

    int state() {
        return state;
    }

    /** Marks the job queued; called under the pool lock. */
    void queued() {
        STATE.setRelease(this, NEW);
    }

    boolean casState(int expected, int next) {
        return STATE.compareAndSet(this, expected, next);
    }

    /** The worker's end of the run: leaves RUNNING, waiting out an interrupt in progress. */
    void finishRun() {
        while (!STATE.compareAndSet(this, RUNNING, DONE)) {
            Thread.onSpinWait();
        }
    }

    /** Interrupts the worker if, and only while, it runs this job. */
    void interruptIfRunning() {
        if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
            try {
                Thread t = runner;
                if (t != null) {
                    t.interrupt();
                }
            } finally {
                STATE.setRelease(this, RUNNING);
            }
        }
    }

    /** Called when the submit context ends while the job is queued. */
    @Override
    public void run() {
        if (state == NEW) {
            pool.cancelUnstarted(this, contextFailure(parent));
        }
    }

    /** The failure of a job that never started because {@code ctx} ended. */
    static Throwable contextFailure(Context ctx) {
        return ctx.error().<Throwable>map(e -> e).orElseGet(() -> new CancelledException(null));
    }

    /**
     * Cancels the task: an unstarted job never starts; a running one has its context cancelled
     * and, if asked, is interrupted. The future itself completes as cancelled.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            stop(new CancelledException(new CancellationException("task future cancelled")),
                    mayInterruptIfRunning);
        }
        return cancelled;
    }

    /**
     * Stops the job from outside: if it has not started, it never will and gets a CANCELLED
     * result; if it runs, its context is cancelled and, if asked, it is interrupted.
     *
     * @return true if this call prevented the start
     */
    boolean stop(Throwable why, boolean interrupt) {
        if (state == NEW && pool.cancelUnstarted(this, why)) {
            return true;
        }
        stopReason = STOP_CANCEL;
        TaskContext c = ctx;
        if (c != null) {
            c.cancel(why);
        }
        if (interrupt) {
            interruptIfRunning();
        }
        return false;
    }

    @Override
    public String toString() {
        return "Job[" + work + ", state=" + state + "]";
    }
}
