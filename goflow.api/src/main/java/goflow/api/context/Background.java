package goflow.api.context;

import java.time.Instant;
import java.util.Optional;

import goflow.api.Clock;
import goflow.api.Registration;

/** A root context: never done, no deadline, no values. Immutable. */
final class Background extends AbstractContext {
    static final Background SYSTEM = new Background(Clock.system());

    private final Clock clock;

    Background(Clock clock) {
        this.clock = clock;
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
    public <T> Optional<T> value(Key<T> key) {
        return Optional.empty();
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
        java.util.Objects.requireNonNull(callback, "callback");
        return Registration.NONE;
    }

    @Override
    public String toString() {
        return this == SYSTEM ? "Context.background()" : "Context.background(" + clock + ")";
    }
}
