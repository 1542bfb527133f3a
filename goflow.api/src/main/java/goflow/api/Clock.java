package goflow.api;

import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

import org.osgi.annotation.versioning.ConsumerType;

import goflow.api.internal.time.SystemClock;
import goflow.api.internal.time.SystemTimer;

/**
 * The time source of every time-based primitive: a monotonic nanosecond counter for measuring
 * intervals, the wall-clock instant for calendars (cron), a way to park a thread for an amount of
 * this clock's time, and a way to run an action at a point of this clock's time.
 *
 * <p>Production code uses {@link #system()}. Tests inject a {@link goflow.api.testing.ManualClock}, whose time moves
 * only when the test advances it, so rate limiters, deadlines and schedules are deterministic.
 *
 * <p>Implementations must be thread-safe. {@link #nanoTime()} must never go backwards.
 */
@ConsumerType
public interface Clock {

    /**
     * Returns the system clock: {@link System#nanoTime()} and {@link Instant#now()}; timers run on
     * one shared daemon thread that exists only while a timer is pending.
     *
     * @return the system clock, a singleton
     */
    static Clock system() {
        return SystemClock.INSTANCE;
    }

    /**
     * Returns the current value of the monotonic counter, in nanoseconds. Only differences between
     * two values are meaningful.
     *
     * @return the monotonic time in nanoseconds
     */
    long nanoTime();

    /**
     * Returns the current wall-clock time.
     *
     * @return the current instant
     */
    Instant instant();

    /**
     * Parks the calling thread for at most {@code nanos} nanoseconds of this clock's time. Like
     * {@link LockSupport#parkNanos(Object, long)} it may return early, spuriously or because the
     * thread was unparked or interrupted, so callers re-check their condition in a loop.
     *
     * @param blocker the object the thread is waiting on, for diagnostics; may be {@code null}
     * @param nanos the longest time to park; nothing happens when it is zero or negative
     */
    default void parkNanos(Object blocker, long nanos) {
        if (nanos > 0) {
            LockSupport.parkNanos(blocker, nanos);
        }
    }

    /**
     * Runs {@code action} once when this clock's {@link #nanoTime()} reaches {@code deadlineNanos},
     * or as soon as possible when it already has. The action runs on a timer thread (or, for a
     * {@link goflow.api.testing.ManualClock}, on the thread that advances the clock); it must be short and must not
     * block. An exception it throws is logged and otherwise ignored.
     *
     * <p>The default implementation, meant for clocks that run at the speed of real time, waits
     * {@code deadlineNanos - nanoTime()} real nanoseconds on the shared system timer.
     *
     * @param deadlineNanos the point of this clock's monotonic time to run at
     * @param action what to run
     * @return a registration whose {@code close()} cancels the action if it has not run yet
     */
    default Registration schedule(long deadlineNanos, Runnable action) {
        return SystemTimer.INSTANCE.schedule(System.nanoTime() + (deadlineNanos - nanoTime()), action);
    }
}
