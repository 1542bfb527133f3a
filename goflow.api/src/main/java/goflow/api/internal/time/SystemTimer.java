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
 * keeps no goflow thread alive.
 *
 * <p>Thread-safe. Actions run on the timer thread, outside the lock, with this class's loader as
 * the context class loader and no inherited thread-locals, whoever scheduled the first timer.
 */
public final class SystemTimer {
    /** The timer shared by {@link Clock#system()} and the default {@link Clock#schedule}. */
    public static final SystemTimer INSTANCE = new SystemTimer();

    /** How long the timer thread waits for new work before exiting. */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private static final System.Logger LOG = System.getLogger(SystemTimer.class.getName());

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the earliest deadline changes. */
    private final Condition changed = lock.newCondition();
    /** Pending timers (see TimerQueue: closing one is O(log n)). Guarded by {@code lock}. */
    private final TimerQueue<Entry> queue = new TimerQueue<>();
    /** Whether the timer thread is running. Guarded by {@code lock}. */
    private boolean running;

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
            } else if (earliest) {
                changed.signal();
            }
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

    private void loop() {
        while (true) {
            Entry due;
            lock.lock();
            try {
                due = null;
                long idleSince = System.nanoTime();
                while (due == null) {
                    Entry head = queue.peek();
                    long now = System.nanoTime();
                    if (head == null) {
                        long left = LINGER_NANOS - (now - idleSince);
                        if (left <= 0) {
                            running = false;
                            return;
                        }
                        changed.awaitNanos(left);
                    } else if (head.deadline - now <= 0) {
                        due = queue.poll();
                    } else {
                        changed.awaitNanos(head.deadline - now);
                        idleSince = System.nanoTime();
                    }
                }
            } catch (InterruptedException e) {
                // Nobody interrupts this private thread; keep serving the queue.
                continue;
            } finally {
                lock.unlock();
            }
            try {
                due.action.run();
            } catch (Throwable e) {
                // not only RuntimeException | Error: Kotlin or @SneakyThrows code throws checked exceptions
                LOG.log(Level.WARNING, "goflow timer action failed", e);
            }
        }
    }

    private void remove(Entry entry) {
        lock.lock();
        try {
            if (queue.remove(entry)) {
                // the thread may be waiting for this deadline: let it re-read the queue (and exit when idle)
                changed.signal();
            }
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
