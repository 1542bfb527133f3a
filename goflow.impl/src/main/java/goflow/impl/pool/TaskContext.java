package goflow.impl.pool;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import goflow.api.Clock;
import goflow.api.Registration;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.context.ContextException;
import goflow.api.context.DeadlineExceededException;

/**
 * The context a task runs with: a child of its submit context that the pool can also end (task
 * timeout, future cancelled, shutdownNow, task over). It is lazy: a task that only polls it
 * ({@link #isDone()}, {@link #throwIfDone()}) costs one small object and no registration; the first
 * call that needs a real child ({@code with*}, {@code onDone}, {@code sleep}) materializes one
 * ({@code parent.withCancel()} or {@code withTimeout}) that ends the same way.
 *
 * <p>Thread-safe. It ends once: {@code ending} is set by one CAS, either to its own reason
 * (timeout, cancel, task over) or to the parent's error, adopted the first time the parent is seen
 * done; so {@link #error()} never changes once present.
 */
final class TaskContext implements Context {
    /** How the context ended: the error it reports and the cause. Immutable. */
    private record Ending(ContextException error, Throwable cause) {
    }

    /** The ending of a context whose task is over (shared: never thrown as is, see rethrowable). */
    private static final Ending TASK_OVER;

    private static final VarHandle ENDING;

    static {
        try {
            ENDING = MethodHandles.lookup().findVarHandle(TaskContext.class, "ending", Ending.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        CancelledException over = new CancelledException(null);
        over.setStackTrace(new StackTraceElement[0]);
        TASK_OVER = new Ending(over, over);
    }

    private final Context parent;
    private final Clock clock;
    private final QueuedTask<?> job;
    /** Whether the pool's timeout ends this context before the parent's deadline. */
    private final boolean ownDeadline;
    /** The pool-timeout deadline on {@code clock}; meaningful if {@code ownDeadline}. */
    private final long deadlineNanos;
    /** Null while live; set once, by CAS through {@link #ENDING}. */
    private volatile Ending ending;
    /**
     * The materialized child: written under {@code this}, read without it. end() sets
     * {@code ending} then reads {@code inner}; inner() sets {@code inner} then reads {@code ending};
     * both volatile, so at least one of them sees the other and cancels the child.
     */
    private volatile CancellableContext inner;
    /** The deadline as an instant, computed on first request; guarded by {@code this}. */
    private Instant deadlineInstant;
    /** The timeout timer and the watch on the parent's deadline; released by {@link #release()}. */
    private Registration timer = Registration.NONE;
    private Registration parentWatch = Registration.NONE;

    TaskContext(Context parent, long timeoutNanos, QueuedTask<?> job) {
        this.parent = parent;
        this.clock = parent.clock();
        this.job = job;
        long now = timeoutNanos > 0 ? clock.nanoTime() : 0;
        this.ownDeadline = timeoutNanos > 0 && parent.remainingNanos() > timeoutNanos;
        this.deadlineNanos = now + timeoutNanos;
    }

    /**
     * Arms the timeout and, when the parent has a deadline, a watch that interrupts the task when
     * it passes. Called by the worker once the job is RUNNING.
     */
    void start() {
        if (ownDeadline) {
            timer = clock.schedule(deadlineNanos, this::expire);
        }
        if (parent.remainingNanos() != Long.MAX_VALUE) {
            parentWatch = parent.onDone(() -> {
                if (isDone() && ending.error() instanceof DeadlineExceededException) {
                    job.interruptIfRunning();
                }
            });
        }
    }

    /** Releases the timer and the parent watch; called by the worker when the task has returned. */
    void release() {
        timer.close();
        parentWatch.close();
    }

    /** Ends the context because the task is over, and its materialized child with it. */
    void close() {
        end(TASK_OVER);
    }

    /**
     * Whether the task made the real child context (see {@link #inner()}): then {@link #close()}
     * ends it and runs the callbacks registered on it and on its descendants, user code.
     */
    boolean materialized() {
        return inner != null;
    }

    /** Cancels the context (future cancelled, shutdownNow). */
    void cancel(Throwable why) {
        end(new Ending(new CancelledException(why), why));
    }

    private void expire() {
        DeadlineExceededException e = new DeadlineExceededException();
        if (end(new Ending(e, e))) {
            job.interruptIfRunning();
        }
    }

    /** Ends this context with {@code how} unless it already ended; returns whether it did. */
    private boolean end(Ending how) {
        if (parent.isDone()) {
            adoptParent();
            return false;
        }
        if (!ENDING.compareAndSet(this, null, how)) {
            return false;
        }
        CancellableContext child = inner;
        if (child != null && !(how.error() instanceof DeadlineExceededException)) {
            child.cancel(how.cause());
        }
        // A deadline ends the child by its own timer, set to the same deadline.
        return true;
    }

    private void adoptParent() {
        ContextException e = parent.error().orElseThrow();
        ENDING.compareAndSet(this, null, new Ending(e, parent.cause().orElse(e)));
    }

    /** The reason this context ended, or null while live. */
    ContextException endedBy() {
        return isDone() ? ending.error() : null;
    }

    @Override
    public boolean isDone() {
        if (ending != null) {
            return true;
        }
        if (parent.isDone()) {
            adoptParent();
            return true;
        }
        if (ownDeadline && clock.nanoTime() - deadlineNanos >= 0) {
            expire(); // the timer is late: end now
            return true;
        }
        return false;
    }

    @Override
    public Optional<ContextException> error() {
        return isDone() ? Optional.of(ending.error()) : Optional.empty();
    }

    @Override
    public Optional<Throwable> cause() {
        return isDone() ? Optional.of(ending.cause()) : Optional.empty();
    }

    @Override
    public void throwIfDone() {
        if (isDone()) {
            throw ending.error().rethrowable();
        }
    }

    @Override
    public Optional<Instant> deadline() {
        if (!ownDeadline) {
            return parent.deadline();
        }
        synchronized (this) {
            if (deadlineInstant == null) {
                deadlineInstant = clock.instant().plusNanos(deadlineNanos - clock.nanoTime());
            }
            return Optional.of(deadlineInstant);
        }
    }

    @Override
    public long remainingNanos() {
        return ownDeadline ? deadlineNanos - clock.nanoTime() : parent.remainingNanos();
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public <T> Optional<T> value(Key<T> key) {
        return parent.value(key);
    }

    /** Returns the real child context that mirrors this one, creating it on first use. */
    private CancellableContext inner() {
        CancellableContext child;
        synchronized (this) {
            child = inner;
            if (child == null) {
                Ending how = ending;
                if (how != null && how.error() instanceof DeadlineExceededException) {
                    child = parent.withTimeout(Duration.ZERO);
                } else if (ownDeadline) {
                    child = parent.withTimeout(Duration.ofNanos(Math.max(0, deadlineNanos - clock.nanoTime())));
                } else {
                    child = parent.withCancel();
                }
                inner = child;
            }
        }
        // Mirror an ending that happened before (or while) the child was made.
        Ending how = ending;
        if (how != null && !(how.error() instanceof DeadlineExceededException)) {
            child.cancel(how.cause());
        }
        return child;
    }

    @Override
    public CancellableContext withCancel() {
        return inner().withCancel();
    }

    @Override
    public CancellableContext withTimeout(Duration timeout) {
        return inner().withTimeout(timeout);
    }

    @Override
    public CancellableContext withDeadline(Instant deadline) {
        return inner().withDeadline(deadline);
    }

    @Override
    public <T> Context withValue(Key<T> key, T value) {
        return inner().withValue(key, value);
    }

    @Override
    public Registration onDone(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        return inner().onDone(callback);
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        throwIfDone();
        inner().sleep(duration);
    }

    @Override
    public String toString() {
        Ending how = ending;
        return "TaskContext[" + (how == null ? "live" : how.error().getMessage()) + ", parent=" + parent + "]";
    }
}
