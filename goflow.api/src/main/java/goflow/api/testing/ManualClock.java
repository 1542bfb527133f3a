package goflow.api.testing;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import goflow.api.Clock;
import goflow.api.Registration;
import goflow.api.internal.time.TimerQueue;

/**
 * A {@link Clock} whose time moves only when {@link #advance(Duration) advanced}, for deterministic
 * tests of rate limiters, deadlines and schedules. Advancing runs every timer that became due (in
 * deadline order, on the advancing thread) and wakes every thread parked on this clock.
 *
 * <p>A thread parked through {@link #parkNanos} also wakes on its own every few real milliseconds
 * (a spurious wake-up, which the {@code parkNanos} contract allows), so code that re-checks its
 * condition can never hang on a clock that is not advanced.
 *
 * <p>Thread-safe: any thread may read or advance the clock.
 */
public final class ManualClock implements Clock {
    private static final System.Logger LOG = System.getLogger(ManualClock.class.getName());
    private static final long SAFETY_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final Instant origin;
    /**
     * Nanoseconds since the origin; only ever raised. Guarded by {@code this}; volatile for
     * lock-free reads.
     */
    private volatile long nanos;
    /**
     * Where the advances made so far take the clock: the sum of their amounts. Ahead of
     * {@code nanos} while an advance is still running timers; each advance adds to it, so
     * concurrent and nested advances add up. Guarded by {@code this}.
     */
    private long target;
    /** Pending timers (closing one is O(log n), as in the system timer). Guarded by {@code this}. */
    private final TimerQueue<Timer> timers = new TimerQueue<>();
    /** Threads currently inside {@link #parkNanos}. */
    private final Set<Thread> parked = ConcurrentHashMap.newKeySet();

    /** Creates a clock whose wall time starts at 2026-01-01T00:00:00Z and monotonic time at 0. */
    public ManualClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /**
     * Creates a clock whose wall time starts at {@code start} and monotonic time at 0.
     *
     * @param start the initial wall-clock instant
     */
    public ManualClock(Instant start) {
        this.origin = Objects.requireNonNull(start, "start");
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public Instant instant() {
        return origin.plusNanos(nanos);
    }

    /**
     * Moves time forward, runs the timers that became due in deadline order, and wakes parked
     * threads. Timers run on the calling thread, with the clock already showing each timer's
     * deadline while it runs. Advances add up, whether made one after another, from several threads
     * at once or from a timer action: the clock ends at the sum of all amounts, and never shows a
     * time earlier than it has shown before.
     *
     * @param amount how far to move; zero only runs the timers that are due (up to where an advance
     *     still under way is taking the clock)
     * @throws IllegalArgumentException if {@code amount} is negative, or would take the monotonic
     *     time past {@link Long#MAX_VALUE} nanoseconds (about 292 years after the clock's start) or
     *     the wall time past {@link Instant#MAX}
     */
    public void advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("amount must not be negative: " + amount);
        }
        long to;
        synchronized (this) {
            long from = target;
            // Duration.toNanos() and the sum both overflow past Long.MAX_VALUE: refuse rather
            // than wrap the monotonic time round to a negative reading and instant() backwards.
            if (amount.compareTo(Duration.ofNanos(Long.MAX_VALUE - from)) > 0) {
                throw new IllegalArgumentException("amount " + amount + " would take the clock's nanoTime from "
                        + from + " past Long.MAX_VALUE (about 292 years after its start)");
            }
            // from the target of the advances under way, not from nanos: starting from nanos, a
            // concurrent or nested advance was lost, and the longer one's end undone (time went back)
            to = from + amount.toNanos();
            if (Duration.between(origin, Instant.MAX).compareTo(Duration.ofNanos(to)) < 0) {
                // refused here, not by every instant() after it
                throw new IllegalArgumentException("amount " + amount + " would take the clock's instant() from "
                        + origin.plusNanos(from) + " past Instant.MAX");
            }
            target = to;
        }
        while (true) {
            Timer due;
            synchronized (this) {
                Timer head = timers.peek();
                if (head == null || head.deadline - to > 0) {
                    if (to - nanos > 0) {
                        nanos = to;
                    }
                    break;
                }
                due = timers.poll();
                if (due.deadline - nanos > 0) {
                    nanos = due.deadline;
                }
            }
            run(due.action);
        }
        wakeParked();
    }

    /**
     * Advances by a number of nanoseconds; shorthand for {@code advance(Duration.ofNanos(n))}.
     *
     * @param amount nanoseconds to move forward, not negative
     */
    public void advanceNanos(long amount) {
        advance(Duration.ofNanos(amount));
    }

    /**
     * Returns how many threads are parked on this clock right now, so a test can wait until a
     * blocking call is really waiting before it advances time.
     *
     * @return the number of parked threads
     */
    public int parkedThreads() {
        return parked.size();
    }

    /**
     * Returns how many timers are pending.
     *
     * @return the number of timers that have not run and were not cancelled
     */
    public synchronized int pendingTimers() {
        return timers.size();
    }

    @Override
    public void parkNanos(Object blocker, long nanosToPark) {
        if (nanosToPark <= 0) {
            return;
        }
        Thread self = Thread.currentThread();
        parked.add(self);
        try {
            LockSupport.parkNanos(blocker, SAFETY_PARK_NANOS);
        } finally {
            parked.remove(self);
        }
    }

    @Override
    public Registration schedule(long deadlineNanos, Runnable action) {
        Objects.requireNonNull(action, "action");
        Timer timer;
        synchronized (this) {
            if (deadlineNanos - nanos > 0) {
                timer = new Timer(deadlineNanos, action);
                timers.add(timer);
                return timer;
            }
        }
        run(action);
        return Registration.NONE;
    }

    private void wakeParked() {
        List<Thread> threads = new ArrayList<>(parked);
        threads.forEach(LockSupport::unpark);
    }

    private static void run(Runnable action) {
        try {
            action.run();
        } catch (Throwable e) {
            // not only RuntimeException | Error: Kotlin or @SneakyThrows code throws checked exceptions
            try {
                LOG.log(Level.WARNING, "ManualClock timer action failed", e);
            } catch (Throwable unlogged) {
                // an OutOfMemoryError, or a throwable that cannot be printed: the advance must go on,
                // or the timers after this one would not run and the clock would stop short
            }
        }
    }

    @Override
    public String toString() {
        return "ManualClock[" + instant() + ", nanoTime=" + nanos + "]";
    }

    private final class Timer extends TimerQueue.Entry implements Registration {
        Timer(long deadline, Runnable action) {
            super(deadline, action);
        }

        @Override
        public void close() {
            synchronized (ManualClock.this) {
                timers.remove(this);
            }
        }
    }
}
