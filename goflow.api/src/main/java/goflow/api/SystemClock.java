package goflow.api;

import java.time.Instant;

/** The {@link Clock#system() system clock}. Stateless and thread-safe. */
enum SystemClock implements Clock {
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
