package goflow.api.internal.context;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;

import goflow.api.Clock;
import goflow.api.Registration;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.context.ContextException;
import goflow.api.context.DeadlineExceededException;

/**
 * A cancellable context, optionally with its own deadline.
 *
 * <p>State machine: LIVE → DONE, once. The transition happens in {@link #finish} under
 * {@code this}: it publishes {@code error} and then {@code done} (volatile) and takes the
 * callback set; the callbacks then run outside the lock, in registration order. A child's ending
 * is one of them, and runs the child's callbacks there and then, from an explicit stack rather
 * than by recursion. A node listens to its parent through {@code parentRegistration} and to its
 * deadline through {@code timer}; both are released when the node finishes, so a long-lived
 * parent does not accumulate finished children, nor keeps the table a burst of them needed.
 *
 * <p>{@link #close()} (the end of a scope, the common case) does not build its
 * {@link CancelledException} at once: filling in a stack trace cost ~0.6 µs and ~860 B per child
 * context, paid by every pool task and stream terminal operation (goflow.bench ContextBench). The
 * exception is made on first demand by {@link #error()} or {@link #cause()}, under {@code this}.
 */
final class CancelNode extends AbstractContext implements CancellableContext {
    private static final System.Logger LOG = System.getLogger(Context.class.getName());
    /** Up to this many callbacks, the set of a node is never made anew. */
    private static final int SHRINK_ABOVE = 64;

    private final AbstractContext parent;
    /** The root's clock, kept here so that no call climbs the chain for it. */
    private final Clock clock;
    private final boolean hasDeadline;
    private final long deadlineNanos;
    private final Instant deadline;

    /** Set once, under {@code this}, after {@code error} and {@code cause}: LIVE → DONE. */
    private volatile boolean done;
    /**
     * Null while live; the reason once done, or still null after {@link #close()} until first
     * asked for. Written once, under {@code this}.
     */
    private volatile ContextException error;
    /**
     * The cause given to cancel, or the error itself (null, like it, after close until asked for).
     * Guarded by {@code this}.
     */
    private Throwable cause;
    /** Callbacks to run when done; null once done. Guarded by {@code this}. */
    private LinkedHashSet<Callback> callbacks = new LinkedHashSet<>();
    /**
     * The most callbacks held since {@code callbacks} was made (at most {@link Short#MAX_VALUE}): a
     * hash set never shrinks its table, so once they fall to a quarter of it the set is made anew.
     * A short, and {@code ownsDeadline()} computed rather than stored, so that the node stays 56
     * bytes: at 64 every timer operation was slower with many contexts pending (TimeoutBench,
     * pending=10000: 246 vs 208 ns). Guarded by {@code this}.
     */
    private short peakCallbacks;
    /** Our callback in the parent; released on finish. Guarded by {@code this}. */
    private Registration parentRegistration = Registration.NONE;
    /** Our deadline timer; released on finish. Guarded by {@code this}. */
    private Registration timer = Registration.NONE;

    CancelNode(AbstractContext parent, boolean ownDeadline, long ownDeadlineNanos, Instant ownInstant) {
        this.parent = parent;
        this.clock = parent.clock();
        boolean parentFirst = parent.hasDeadline()
                && (!ownDeadline || parent.deadlineNanos() - ownDeadlineNanos <= 0);
        if (parentFirst) {
            this.hasDeadline = true;
            this.deadlineNanos = parent.deadlineNanos();
            this.deadline = parent.deadlineInstant();
        } else {
            this.hasDeadline = ownDeadline;
            this.deadlineNanos = ownDeadlineNanos;
            this.deadline = ownInstant;
        }
        Registration fromParent = parent.onDoneChild(this);
        boolean ownTimer = ownDeadline && !parentFirst;
        // a deadline already past (a zero or negative timeout) needs no timer, nor a timer thread started for it
        boolean past = ownTimer && clock.nanoTime() - deadlineNanos >= 0;
        Registration deadlineTimer;
        try {
            deadlineTimer = ownTimer && !past
                    ? clock.schedule(deadlineNanos, this::expire)
                    : Registration.NONE;
        } catch (RuntimeException | Error e) {
            // no timer (the system refused the timer a thread): no child either, nothing left in the parent
            fromParent.close();
            throw e;
        }
        boolean finished;
        synchronized (this) {
            finished = callbacks == null;
            if (!finished) {
                parentRegistration = fromParent;
                timer = deadlineTimer;
            }
        }
        if (finished) {
            fromParent.close();
            deadlineTimer.close();
        } else if (past) {
            expire();
        }
    }

    void parentDone() {
        ContextException parentError = parent.error().orElseThrow();
        finish(parentError, parent.cause().orElse(parentError));
    }

    private void expire() {
        finish(new DeadlineExceededException(), null);
    }

    @Override
    public void cancel() {
        cancel(null);
    }

    @Override
    public void cancel(Throwable why) {
        finish(new CancelledException(why), why);
    }

    @Override
    public void close() {
        finish(null, null); // the CancelledException is made when asked for: see the class notes
    }

    private void finish(ContextException reason, Throwable why) {
        LinkedHashSet<Callback> toRun = end(reason, why);
        if (toRun != null) {
            runAll(toRun);
        }
    }

    /** LIVE → DONE; returns the callbacks to run, or null if already done. */
    private LinkedHashSet<Callback> end(ContextException reason, Throwable why) {
        LinkedHashSet<Callback> toRun;
        Registration fromParent;
        Registration deadlineTimer;
        synchronized (this) {
            if (callbacks == null) {
                return null;
            }
            cause = why != null ? why : reason;
            error = reason;
            done = true;
            toRun = callbacks;
            callbacks = null;
            fromParent = parentRegistration;
            deadlineTimer = timer;
            parentRegistration = Registration.NONE;
            timer = Registration.NONE;
        }
        fromParent.close();
        deadlineTimer.close();
        return toRun;
    }

    /**
     * Runs callbacks in registration order. A child context among them is ended there and its own
     * callbacks run at once (depth first, as recursion would), but from a stack on the heap, so a
     * chain of contexts of any depth ends without overflowing the thread's stack.
     */
    private static void runAll(LinkedHashSet<Callback> callbacks) {
        ArrayDeque<Iterator<Callback>> suspended = null; // allocated only for a child with callbacks
        Iterator<Callback> it = callbacks.iterator();
        while (true) {
            while (it.hasNext()) {
                Callback c = it.next();
                if (c.child == null) {
                    c.run();
                    continue;
                }
                LinkedHashSet<Callback> ofChild = c.child.endWithParent();
                if (ofChild != null && !ofChild.isEmpty()) {
                    if (suspended == null) {
                        suspended = new ArrayDeque<>();
                    }
                    suspended.push(it);
                    it = ofChild.iterator();
                }
            }
            if (suspended == null || suspended.isEmpty()) {
                return;
            }
            it = suspended.pop();
        }
    }

    /** Ends this node with its (done) parent's error, like {@link #parentDone}, without running callbacks. */
    private LinkedHashSet<Callback> endWithParent() {
        ContextException parentError = parent.error().orElseThrow();
        return end(parentError, parent.cause().orElse(parentError));
    }

    @Override
    public boolean isDone() {
        if (done) {
            return true;
        }
        if (hasDeadline && clock.nanoTime() - deadlineNanos >= 0) {
            expireLate(); // the timer may run late (or the deadline is an ancestor's): end the context now
            return true;
        }
        return false;
    }

    /**
     * Whether the deadline is this node's own (its timer's) rather than an ancestor's: the
     * constructor takes the parent's when it is not later than its own, so an own deadline is one
     * the parent does not have.
     */
    private boolean ownsDeadline() {
        return hasDeadline && !(parent.hasDeadline() && parent.deadlineNanos() == deadlineNanos);
    }

    /**
     * Ends this node, past its deadline, before the timer does: expires the ancestor whose own
     * deadline it is, which ends its descendants, and then ends, from the top down, every node on the
     * way that has not ended yet (one ended with another ancestor that another thread is still ending).
     * A loop, not a recursion through {@code parent.isDone()}: that overflowed the stack of a chain of
     * 10 000 contexts.
     */
    private void expireLate() {
        ArrayDeque<CancelNode> below = new ArrayDeque<>();
        CancelNode owner = this;
        while (!owner.ownsDeadline()) {
            below.push(owner);
            AbstractContext up = owner.parent;
            while (!(up instanceof CancelNode)) {
                up = up.parent(); // a value node: a node without its own deadline has an ancestor with it
            }
            owner = (CancelNode) up;
        }
        owner.expire();
        while (!below.isEmpty()) {
            CancelNode n = below.pop();
            if (!n.done) {
                n.parentDone();
            }
        }
    }

    @Override
    public Optional<ContextException> error() {
        if (!isDone()) {
            return Optional.empty();
        }
        ContextException e = error;
        return Optional.of(e != null ? e : closedError());
    }

    /** The error of a node ended by {@link #close()}, made on first demand. */
    private synchronized ContextException closedError() {
        if (error == null) {
            error = new CancelledException(null);
            cause = error;
        }
        return error;
    }

    @Override
    public Optional<Throwable> cause() {
        if (!isDone()) {
            return Optional.empty();
        }
        synchronized (this) {
            return Optional.of(cause != null ? cause : closedError());
        }
    }

    @Override
    public Registration onDone(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        return register(new Callback(callback, null));
    }

    @Override
    Registration onDoneChild(CancelNode child) {
        return register(new Callback(child::parentDone, child));
    }

    private Registration register(Callback c) {
        if (!isDone()) {
            synchronized (this) {
                if (callbacks != null) {
                    callbacks.add(c);
                    peakCallbacks = (short) Math.min(Short.MAX_VALUE, Math.max(peakCallbacks, callbacks.size()));
                    return c;
                }
            }
        }
        c.run();
        return Registration.NONE;
    }

    /** Returns how many callbacks (children included) wait for this node to end; for tests. */
    synchronized int pendingCallbacks() {
        return callbacks == null ? 0 : callbacks.size();
    }

    @Override
    AbstractContext parent() {
        return parent;
    }

    @Override
    boolean hasDeadline() {
        return hasDeadline;
    }

    @Override
    long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    Instant deadlineInstant() {
        return deadline;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "Context[" + (done ? error().orElseThrow().getMessage() : "live")
                + (hasDeadline ? ", deadline=" + deadline : "") + "]";
    }

    /** One registered callback; removing it is O(1). Identity equality. */
    private final class Callback implements Registration {
        private final Runnable action;
        /** The child context that {@code action} ends, or null for a user callback. */
        final CancelNode child;

        Callback(Runnable action, CancelNode child) {
            this.action = action;
            this.child = child;
        }

        void run() {
            try {
                action.run();
            } catch (Throwable e) {
                // not only RuntimeException | Error: Kotlin or @SneakyThrows code throws checked exceptions
                try {
                    LOG.log(Level.WARNING, "Context onDone callback failed", e);
                } catch (Throwable unlogged) {
                    // an OutOfMemoryError, or a throwable that cannot be printed: the other callbacks
                    // (and the child contexts) must still run, or they would never end
                }
            }
        }

        @Override
        public void close() {
            synchronized (CancelNode.this) {
                if (callbacks != null && callbacks.remove(this) && peakCallbacks > SHRINK_ABOVE
                        && callbacks.size() < peakCallbacks / 4) {
                    // after a burst of children: release the table sized for it (amortised O(1))
                    callbacks = new LinkedHashSet<>(callbacks);
                    peakCallbacks = (short) Math.min(Short.MAX_VALUE, callbacks.size());
                }
            }
        }
    }
}
