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
 * One submitted task: the queue node, the task's future (this object itself, so a submit
 * allocates one object besides the task's context) and the state that decides who produces its
 * result. (Executed runnables are queued as they are; their per-run state lives on the worker.)
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
 * <p>Thread-safe. {@code queuedWatch} is written before the job is queued and published by the
 * pool lock; {@code ctx} and {@code runner}, see there.
 */
final class QueuedTask<T> extends CompletableFuture<TaskResult<T>> implements Runnable {
    // PENDING is 0, the default: no volatile store (and fence) in the constructor.
    static final int PENDING = 0;
    static final int NEW = 1;
    static final int RUNNING = 2;
    static final int INTERRUPTING = 3;
    static final int DONE = 4;
    static final int CANCELLED = 5;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(QueuedTask.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final WorkerPoolImpl pool;
    final Task<T> task;
    /** The submit context. */
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

    QueuedTask(WorkerPoolImpl pool, Task<T> task, Context parent) {
        this.pool = pool;
        this.task = task;
        this.parent = parent;
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
        return "QueuedTask[" + task + ", state=" + state + "]";
    }
}
