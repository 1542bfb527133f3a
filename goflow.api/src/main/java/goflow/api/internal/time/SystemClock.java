package goflow.api.internal.time;

import java.time.Instant;

import goflow.api.Clock;
import goflow.api.Registration;

/**
 * The {@link Clock#system() system clock}: {@link System#nanoTime()}, {@link Instant#now()} and the
 * {@link SystemTimer}. Stateless and thread-safe.
 */
public enum SystemClock implements Clock {
    /** The only instance, returned by {@link Clock#system()}. */
    INSTANCE;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Instant instant() {
        return Instant.now();
    }

    @Override
    public Registration schedule(long deadlineNanos, Runnable action) {
        return SystemTimer.INSTANCE.schedule(deadlineNanos, action);
    }

    @Override
    public String toString() {
        return "Clock.system()";
    }
}
