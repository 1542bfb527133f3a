package goflow.impl.stream;

import java.util.concurrent.locks.LockSupport;

import goflow.api.Registration;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.context.ContextException;

/**
 * One execution of a terminal operation (or of the upstream part of a {@code window}, on its own
 * thread): the caller's context, a child {@link #scope} that {@link ChainState#close()} or the owner of
 * a sub-run can cancel, and a {@link #stop} flag the hot loops read once per element.
 *
 * <p>Why a flag: {@code Context.isDone()} reads the clock when the context has a deadline, which is
 * too slow to call for every element; instead the scope's {@code onDone} callback (run by whoever
 * ends the context: a cancel, the deadline timer, a parent) sets the volatile flag and unparks the
 * owner thread, so waits wake up as well. Thread-safe: the flag is volatile; the rest is final.
 */
final class TerminalRun {
    final ChainState shared;
    /** The run that started this sub-run, or null. */
    private final TerminalRun parent;
    /** The terminal operation's name, for messages. */
    final String op;
    /** The context the caller gave. */
    final Context ctx;
    /** Child of {@link #ctx}: done when {@link #ctx} is, or when this run is stopped from outside. */
    final CancellableContext scope;
    /** The thread that runs this execution; unparked when the scope ends. */
    final Thread owner;
    /** Set once, when {@link #scope} is done. */
    private volatile boolean stop;
    /**
     * The chain whose {@link ChainState#close()} ended the run (this run's own, or an inner stream
     * of {@code flatMap} running inside it), so {@link #fail()} can say so; null otherwise.
     */
    private volatile ChainState closedBy;
    private final Registration wake;

    TerminalRun(ChainState shared, String op, Context ctx, CancellableContext scope, Thread owner) {
        this(null, shared, op, ctx, scope, owner);
    }

    private TerminalRun(TerminalRun parent, ChainState shared, String op, Context ctx, CancellableContext scope, Thread owner) {
        this.parent = parent;
        this.shared = shared;
        this.op = op;
        this.ctx = ctx;
        this.scope = scope;
        this.owner = owner;
        this.wake = scope.onDone(() -> {
            stop = true;
            LockSupport.unpark(owner);
        });
    }

    /** Throws if the run must stop: cheap enough for every element. */
    void check() {
        if (stop) {
            fail();
        }
    }

    /** Whether the run must stop. */
    boolean stopping() {
        return stop;
    }

    /**
     * Throws the reason this run stops: the caller's context error, or a
     * {@link goflow.api.stream.StreamClosedException} when the stream was closed, or (for a
     * sub-run stopped by its owner) a {@link Stopped}.
     */
    void fail() {
        ctx.throwIfDone();
        ChainState closed = closedBy != null ? closedBy : parent != null ? parent.closedBy : null;
        if (closed != null) {
            throw closed.closedDuring(op);
        }
        throw new Stopped();
    }

    /**
     * Maps an exception thrown by a wait on {@link #scope} to the reason the run stops: the scope
     * is done as soon as it is cancelled, before its {@code onDone} callback has set {@link #stop},
     * so the scope itself is asked (only here, on the failure path: it may read the clock); an
     * exception of some other context, with the scope still live, is returned as it is.
     *
     * @param e the exception
     * @return {@code e}, when the scope is not done
     */
    RuntimeException failFrom(ContextException e) {
        if (stop || scope.isDone()) {
            fail();
        }
        return e;
    }

    /**
     * Stops the run from another thread because a stream it runs was closed.
     *
     * @param closed the chain that was closed: this run's, or that of an inner stream of
     *     {@code flatMap}
     */
    void closeFromOutside(ChainState closed) {
        closedBy = closed;
        scope.cancel();
    }

    /**
     * Starts a sub-run for a thread of this run's own ({@code window}'s producer): it stops when
     * this run stops, or when its own scope is cancelled.
     */
    TerminalRun child(Thread thread) {
        return new TerminalRun(this, shared, op, ctx, scope.withCancel(), thread);
    }

    /** Releases the scope. */
    void end() {
        wake.close();
        scope.close();
    }

    /** Thrown inside a sub-run that its owner stopped; never escapes to users. */
    static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("stopped by the stream", null, false, false);
        }
    }
}
