package goflow.impl.testing;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import goflow.api.Clock;

/**
 * The system clock, whose {@code nanoTime()} throws an {@link IllegalStateException} while
 * {@link #failing} is set: a primitive's clock is user code, and the primitive must survive it.
 * Thread-safe.
 */
public final class FailingClock implements Clock {
    /** While set, {@code nanoTime()} throws. */
    public final AtomicBoolean failing = new AtomicBoolean();

    @Override
    public long nanoTime() {
        if (failing.get()) {
            throw new IllegalStateException("test: the clock failed");
        }
        return System.nanoTime();
    }

    @Override
    public Instant instant() {
        return Instant.now();
    }
}
