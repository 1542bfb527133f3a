package goflow.impl.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import goflow.api.Clock;
import goflow.api.context.Context;
import goflow.api.stream.StreamClosedException;
import goflow.api.stream.StreamException;

/**
 * What every stream of one chain shares: its name, clock and close hooks, and whether the chain is
 * open, running a terminal operation, or closed.
 *
 * <p>State machine, guarded by {@code this}: OPEN → RUNNING ({@link #start}) → CLOSED
 * ({@link #finish}); or OPEN → CLOSED ({@link #close()} before any terminal operation). An inner
 * stream of {@code flatMap} is RUNNING while its outer run runs it ({@link #startInner},
 * {@link #finishInner}). A {@code close()} while RUNNING stops the run
 * ({@link TerminalRun#closeFromOutside}), for an inner stream the outer run it runs in; the running
 * thread then moves to CLOSED and runs the hooks, after the run's own threads have ended (and, for an
 * inner stream, after its source's last read). The hooks run exactly once, outside the lock, on the
 * thread that made the move to CLOSED.
 */
final class ChainState {
    private static final int OPEN = 0;
    private static final int RUNNING = 1;
    private static final int CLOSED = 2;

    /**
     * The name is {@code prefix-id}, built when first needed (messages, thread names): most
     * streams never need it, and building it was a measurable part of a short stream's cost.
     */
    private final String prefix;
    private final long id;
    /** Cache of {@link #name()}; a benign race (Strings are immutable). */
    private String name;
    final Clock clock;
    private final AtomicInteger threads = new AtomicInteger();

    /** OPEN, RUNNING or CLOSED. Guarded by {@code this}. */
    private int state = OPEN;
    /** The run in progress while RUNNING. Guarded by {@code this}. */
    private TerminalRun running;
    /** What closed the chain: a terminal operation's name or "close". Guarded by {@code this}. */
    private String closedBy;
    /** Close hooks: the sources' first ({@link #sourceHooks} of them), then onClose actions. Guarded by {@code this}. */
    private final List<AutoCloseable> hooks = new ArrayList<>(2);
    /** How many of {@link #hooks} are source hooks. Guarded by {@code this}. */
    private int sourceHooks;

    ChainState(String prefix, long id, Clock clock) {
        this.prefix = prefix;
        this.id = id;
        this.clock = clock;
    }

    /** The stream's name, {@code <prefix>-<n>}. */
    String name() {
        String n = name;
        if (n == null) {
            n = prefix + "-" + id;
            name = n;
        }
        return n;
    }

    /** Adds a hook of a source, run before the onClose hooks. */
    synchronized void addSourceHook(AutoCloseable hook) {
        hooks.add(sourceHooks++, hook);
    }

    /**
     * Adds an onClose hook, run after the source hooks, in the order added; refuses it if the chain
     * is closed, in the same lock as the close takes the hooks, so a hook is either run or refused.
     */
    synchronized void addUserHook(AutoCloseable hook) {
        checkOpen("onClose");
        hooks.add(hook);
    }

    synchronized boolean isClosed() {
        return state == CLOSED;
    }

    /** Fails if the chain is closed; called when an operation claims a stream object. */
    synchronized void checkOpen(String op) {
        if (state == CLOSED) {
            throw new StreamClosedException("stream '" + name() + "' is closed"
                    + ("close".equals(closedBy) ? "" : " (consumed by " + closedBy + "())")
                    + ": cannot apply " + op + "(); a stream is single use, create a new one");
        }
    }

    /** Starts a terminal operation on the calling thread: OPEN → RUNNING. */
    TerminalRun start(String op, Context ctx) {
        TerminalRun run = new TerminalRun(this, op, ctx, ctx.withCancel(), Thread.currentThread());
        synchronized (this) {
            if (state != OPEN) {
                run.end();
                checkOpen(op);
                throw new StreamClosedException("stream '" + name() + "' is already running a terminal operation");
            }
            state = RUNNING;
            running = run;
        }
        return run;
    }

    /** Ends a terminal operation: RUNNING → CLOSED, then runs the hooks; see {@link #runHooks}. */
    void finish(TerminalRun run, Throwable failure) {
        run.end();
        List<AutoCloseable> toRun;
        synchronized (this) {
            state = CLOSED;
            closedBy = run.op;
            running = null;
            toRun = takeHooks();
        }
        runHooks(toRun, failure);
    }

    /**
     * Starts an inner stream of flatMap inside its outer stream's run: OPEN → RUNNING, so that a
     * {@link #close()} meanwhile stops {@code outer} instead of closing the source under it.
     */
    synchronized void startInner(TerminalRun outer) {
        if (state != OPEN) {
            checkOpen("flatMap");
            throw new StreamClosedException("stream '" + name() + "' is already running a terminal operation");
        }
        state = RUNNING;
        running = outer;
    }

    /** Ends an inner stream of flatMap, which ran inside its outer stream's run: RUNNING → CLOSED. */
    void finishInner(Throwable failure) {
        List<AutoCloseable> toRun;
        synchronized (this) {
            state = CLOSED;
            closedBy = "flatMap";
            running = null;
            toRun = takeHooks();
        }
        runHooks(toRun, failure);
    }

    /** Closes the chain; see the state machine. */
    void close() {
        TerminalRun toStop;
        List<AutoCloseable> toRun;
        synchronized (this) {
            if (state == CLOSED) {
                return;
            }
            toStop = running;
            toRun = null;
            if (toStop == null) {
                state = CLOSED;
                closedBy = "close";
                toRun = takeHooks();
            }
        }
        if (toStop != null) {
            toStop.closeFromOutside(this);
        } else {
            runHooks(toRun, null);
        }
    }

    StreamClosedException closedDuring(String op) {
        return new StreamClosedException("stream '" + name() + "' was closed during " + op + "()");
    }

    /** Creates a daemon thread named {@code goflow-stream-<name>-<n>}; not started. */
    Thread newThread(Runnable body) {
        Thread t = new Thread(body, "goflow-stream-" + name() + "-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    }

    private List<AutoCloseable> takeHooks() {
        List<AutoCloseable> copy = new ArrayList<>(hooks);
        hooks.clear();
        sourceHooks = 0;
        return copy;
    }

    /**
     * Runs every hook, even when one fails (also with an {@link Error}). When {@code failure} is
     * not null (the operation failed), hook failures are added to it as suppressed; otherwise the
     * first is thrown, with the others suppressed: an {@link Error} unchanged, an exception as a
     * {@link StreamException}.
     */
    private void runHooks(List<AutoCloseable> toRun, Throwable failure) {
        Throwable first = null;
        for (AutoCloseable hook : toRun) {
            try {
                hook.close();
            } catch (Throwable e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (failure != null) {
                    if (e != failure) {
                        failure.addSuppressed(e);
                    }
                } else if (first == null) {
                    first = e instanceof Error ? e
                            : new StreamException("stream '" + name() + "': a close hook failed: " + e, e);
                } else if (e != first) {
                    first.addSuppressed(e);
                }
            }
        }
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            throw (StreamException) first;
        }
    }
}
