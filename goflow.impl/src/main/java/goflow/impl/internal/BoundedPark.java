package goflow.impl.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import goflow.api.Clock;

/**
 * The wait of a close or an await that must not outlive its timeout nor ignore an interrupt: parks
 * the calling thread until a condition holds, the thread is interrupted, or the time is up on a
 * goflow {@link Clock} (so a test's fake clock drives it). The caller arranges to be unparked when the
 * condition may have changed (a completion callback, or the thread it waits for unparking it);
 * spurious wake-ups just re-check.
 *
 * <p>Stateless and thread-safe.
 */
public final class BoundedPark {
    private BoundedPark() {
    }

    /** How a wait ended. */
    public enum End {
        /** The condition holds. */
        DONE,
        /** The thread was interrupted; its interrupt flag is cleared (the caller decides what to do with it). */
        INTERRUPTED,
        /** The time was up before the condition held. */
        TIMED_OUT
    }

    /**
     * Parks until {@code done} holds, the thread is interrupted or {@code timeoutNanos} have passed.
     *
     * @param done the condition, checked before each park
     * @param clock the clock that measures the timeout and parks
     * @param timeoutNanos how long to wait at most, at most {@code Long.MAX_VALUE / 2} (see
     *     {@link Durations#toNanosSaturated}); negative for no limit
     * @param blocker the object the thread is reported parked on
     * @return how the wait ended
     */
    public static End until(BooleanSupplier done, Clock clock, long timeoutNanos, Object blocker) {
        long deadline = timeoutNanos < 0 ? 0 : clock.nanoTime() + timeoutNanos;
        while (!done.getAsBoolean()) {
            if (Thread.interrupted()) {
                return End.INTERRUPTED;
            }
            if (timeoutNanos < 0) {
                LockSupport.park(blocker);
                continue;
            }
            long left = deadline - clock.nanoTime();
            if (left <= 0) {
                return End.TIMED_OUT;
            }
            clock.parkNanos(blocker, left);
        }
        return End.DONE;
    }

    /**
     * Waits for {@code threads} to end, until {@code untilNanos} of {@link System#nanoTime()} at
     * the latest (the bounded closes join threads on real time).
     *
     * @param threads the threads to join
     * @param untilNanos the deadline, a {@code System.nanoTime()} reading
     * @return false if the waiting thread was interrupted (its flag is then clear), else true
     *     (whether or not every thread ended: the caller looks at {@code isAlive()})
     */
    public static boolean joinUntil(Iterable<Thread> threads, long untilNanos) {
        for (Thread t : threads) {
            long left = untilNanos - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            try {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            } catch (InterruptedException e) {
                return false;
            }
        }
        return true;
    }
}
