package goflow.api.internal.time;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import goflow.api.Clock;
import goflow.api.Registration;

/**
 * The timer behind {@link Clock#system()}: one daemon thread, {@code goflow-timer}, that runs due
 * actions in deadline order. The thread is started when the first timer is scheduled and exits once
 * no timer has been pending for {@link #LINGER_NANOS}, so an idle application (or a stopped bundle)
 * keeps no goflow thread alive. Scheduling or closing a timer due later than the thread's next
 * look at the queue (at most {@link #MAX_WAIT_NANOS} away) does not wake the thread.
 *
 * <p>Thread-safe. Actions run on the timer thread, outside the lock, with this class's loader as
 * the context class loader and no inherited thread-locals, whoever scheduled the first timer, and
 * not interrupted (an interrupt an action leaves is cleared before the next one runs).
 */
public final class SystemTimer {
    /** The timer shared by {@link Clock#system()} and the default {@link Clock#schedule}. */
    public static final SystemTimer INSTANCE = new SystemTimer();

    /** How long the timer thread waits for new work before exiting. */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /**
     * The longest the timer thread waits at a time, even for a later deadline: a new deadline at
     * least this far away then never needs to wake it (it wakes by then anyway and re-reads the
     * queue), so the usual timeout, armed and disarmed long before it is due, costs no wake-up
     * (goflow.bench ContextBench.Timed). The price: while timers are pending, the thread wakes ten
     * times a second.
     */
    static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final System.Logger LOG = System.getLogger(SystemTimer.class.getName());

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a deadline comes before the timer thread's {@link #wakeAt}. */
    private final Condition changed = lock.newCondition();
    /** Pending timers (see TimerQueue: closing one is O(log n)). Guarded by {@code lock}. */
    private final TimerQueue<Entry> queue = new TimerQueue<>();
    /** Whether the timer thread is running. Guarded by {@code lock}. */
    private boolean running;
    /**
     * Whether the timer thread is waiting on {@link #changed}, until {@link #wakeAt} at the latest.
     * While it is not, it reads the queue before it waits again, so nobody needs to signal it.
     * Guarded by {@code lock}.
     */
    private boolean waiting;
    /** The {@link System#nanoTime()} by which the waiting timer thread wakes. Guarded by {@code lock}. */
    private long wakeAt;
    /** Timers scheduled so far: a lingering thread that sees it change lingers anew. Guarded by {@code lock}. */
    private long scheduled;
    /** Signals sent to the timer thread; for tests. Guarded by {@code lock}. */
    private long signals;

    private SystemTimer() {
    }

    /**
     * Runs {@code action} once on the timer thread when {@link System#nanoTime()} reaches
     * {@code deadlineNanos}, or as soon as possible when it already has; see
     * {@link Clock#schedule(long, Runnable)}.
     *
     * @param deadlineNanos the point of {@link System#nanoTime()} to run at
     * @param action what to run; short, not blocking; what it throws is logged
     * @return a registration whose {@code close()} cancels the action if it has not run yet
     */
    public Registration schedule(long deadlineNanos, Runnable action) {
        Objects.requireNonNull(action, "action");
        lock.lock();
        try {
            Entry entry = new Entry(deadlineNanos, action);
            boolean earliest = queue.add(entry);
            if (!running) {
                try {
                    // not the caller's thread-locals and class loader: the thread may outlive the caller's bundle
                    Thread thread = new Thread(null, this::loop, "goflow-timer", 0, false);
                    thread.setContextClassLoader(SystemTimer.class.getClassLoader());
                    thread.setDaemon(true);
                    thread.start();
                } catch (RuntimeException | Error e) {
                    // no thread (the system refuses one): nothing half-done, the next schedule tries again
                    queue.remove(entry);
                    throw e;
                }
                running = true;
            } else if (earliest && waiting && deadlineNanos - wakeAt < 0) {
                // only a deadline before the thread's next look at the queue needs a wake-up
                signals++;
                changed.signal();
            }
            scheduled++;
            return entry;
        } finally {
            lock.unlock();
        }
    }

    /** Returns the number of pending timers; for tests. */
    int pending() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Returns whether the timer thread is alive; for tests that check for leaked threads. */
    boolean isRunning() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    /** Returns whether the timer thread is waiting for its next look at the queue; for tests. */
    boolean isWaiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** Returns the number of wake-up signals sent to the timer thread so far; for tests. */
    long signals() {
        lock.lock();
        try {
            return signals;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The timer thread: takes due timers in deadline order and runs them outside the lock; waits
     * for the earliest deadline, {@link #MAX_WAIT_NANOS} at most at a time; exits once the queue has
     * been empty, with nothing scheduled, for {@link #LINGER_NANOS}.
     */
    private void loop() {
        while (true) {
            Entry due = null;
            lock.lock();
            try {
                long idleSince = 0;
                long scheduledAtIdle = -1; // -1: not idle
                while (due == null) {
                    Entry head = queue.peek();
                    long now = System.nanoTime();
                    long wait;
                    if (head == null) {
                        if (scheduledAtIdle != scheduled) {
                            // empty now, or again after timers came and went: linger from now
                            idleSince = now;
                            scheduledAtIdle = scheduled;
                        }
                        wait = LINGER_NANOS - (now - idleSince);
                        if (wait <= 0) {
                            running = false;
                            return;
                        }
                    } else if (head.deadline - now <= 0) {
                        due = queue.poll();
                        continue;
                    } else {
                        scheduledAtIdle = -1;
                        wait = Math.min(head.deadline - now, MAX_WAIT_NANOS);
                    }
                    wakeAt = now + wait;
                    waiting = true;
                    try {
                        changed.awaitNanos(wait);
                    } catch (InterruptedException e) {
                        // Nobody interrupts this private thread; keep serving the queue.
                    } finally {
                        waiting = false;
                    }
                }
            } finally {
                lock.unlock();
            }
            // an action may leave the thread interrupted (catch (InterruptedException e) { interrupt(); }):
            // each action starts without it, as a pool's task does
            Thread.interrupted();
            try {
                due.action.run();
            } catch (Throwable e) {
                // not only RuntimeException | Error: Kotlin or @SneakyThrows code throws checked exceptions
                try {
                    LOG.log(Level.WARNING, "goflow timer action failed", e);
                } catch (Throwable unlogged) {
                    // an OutOfMemoryError, or a throwable that cannot be printed: the thread must live
                    // on, or (still marked running) no timer would ever run again
                }
            }
        }
    }

    /**
     * Removes a timer. No signal: the timer thread wakes by {@link #wakeAt}, at most
     * {@link #MAX_WAIT_NANOS} away, and then re-reads the queue (and, empty, lingers and exits).
     */
    private void remove(Entry entry) {
        lock.lock();
        try {
            queue.remove(entry);
        } finally {
            lock.unlock();
        }
    }

    /** A pending action; closing it removes it from the queue. */
    private final class Entry extends TimerQueue.Entry implements Registration {
        Entry(long deadline, Runnable action) {
            super(deadline, action);
        }

        @Override
        public void close() {
            remove(this);
        }
    }
}
