package goflow.api.internal.context;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import goflow.api.Clock;
import goflow.api.Registration;
import goflow.api.context.Context;
import goflow.api.context.ContextException;

/**
 * A root context: never done, no deadline, no values; what {@link Context#background()} and
 * {@link Context#background(Clock)} return. Immutable.
 */
public final class Background extends AbstractContext {
    private static final Background SYSTEM = new Background(Clock.system());

    private final Clock clock;

    private Background(Clock clock) {
        this.clock = clock;
    }

    /**
     * Returns the shared root context on {@link Clock#system()}.
     *
     * @return the shared background context
     */
    public static Context system() {
        return SYSTEM;
    }

    /**
     * Returns a new root context on {@code clock}.
     *
     * @param clock the clock every descendant uses, not null
     * @return a new root context
     */
    public static Context of(Clock clock) {
        return new Background(Objects.requireNonNull(clock, "clock"));
    }

    @Override
    AbstractContext parent() {
        return null;
    }

    @Override
    boolean hasDeadline() {
        return false;
    }

    @Override
    long deadlineNanos() {
        return Long.MAX_VALUE;
    }

    @Override
    Instant deadlineInstant() {
        return Instant.MAX;
    }

    @Override
    public boolean isDone() {
        return false;
    }

    @Override
    public Optional<ContextException> error() {
        return Optional.empty();
    }

    @Override
    public Optional<Throwable> cause() {
        return Optional.empty();
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Registration onDone(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        return Registration.NONE;
    }

    @Override
    public String toString() {
        return this == SYSTEM ? "Context.background()" : "Context.background(" + clock + ")";
    }
}
