package goflow.api.internal.context;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import goflow.api.InvalidConfigException;
import goflow.api.Registration;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;

/**
 * What every context implementation shares: derivation, deadline arithmetic and sleeping. The
 * implementations are {@link Background} (a root), {@link CancelNode} and {@link ValueNode}.
 */
abstract class AbstractContext implements Context {
    /**
     * The farthest a deadline is placed from now, about 73 years: far enough to mean never, near
     * enough that two points of monotonic time made within decades of each other differ by less
     * than {@code Long.MAX_VALUE}, so comparing them by the sign of their difference is right.
     */
    static final long MAX_RELATIVE_NANOS = Long.MAX_VALUE / 4;

    /**
     * Registers {@code child} to end when this context does, like {@code onDone(child::parentDone)};
     * a {@link CancelNode} recognises such children and ends a whole chain of them iteratively.
     */
    Registration onDoneChild(CancelNode child) {
        return onDone(child::parentDone);
    }

    /** The context this one was derived from, or null for a root. */
    abstract AbstractContext parent();

    /** Whether this context or an ancestor has a deadline. */
    abstract boolean hasDeadline();

    /** The effective deadline on {@link #clock()}'s monotonic scale; meaningful if {@link #hasDeadline()}. */
    abstract long deadlineNanos();

    /** The effective deadline as wall-clock time; meaningful if {@link #hasDeadline()}. */
    abstract Instant deadlineInstant();

    @Override
    public CancellableContext withCancel() {
        return new CancelNode(this, false, 0, null);
    }

    @Override
    public CancellableContext withTimeout(Duration timeout) {
        if (timeout == null) {
            throw new InvalidConfigException("context", "timeout", null, "must not be null",
                    "pass a Duration; zero or negative gives a context that is already done");
        }
        long now = clock().nanoTime();
        Instant deadline;
        try {
            deadline = clock().instant().plus(timeout);
        } catch (DateTimeException | ArithmeticException beyondTime) {
            // ChronoUnit.FOREVER.getDuration(), say: the end of time, as the monotonic deadline is clamped
            deadline = timeout.isNegative() ? Instant.MIN : Instant.MAX;
        }
        return new CancelNode(this, true, now + relativeNanos(timeout), deadline);
    }

    @Override
    public CancellableContext withDeadline(Instant deadline) {
        if (deadline == null) {
            throw new InvalidConfigException("context", "deadline", null, "must not be null",
                    "pass an Instant; one in the past gives a context that is already done");
        }
        Duration left = Duration.between(clock().instant(), deadline);
        return new CancelNode(this, true, clock().nanoTime() + relativeNanos(left), deadline);
    }

    @Override
    public <T> Context withValue(Key<T> key, T value) {
        if (key == null) {
            throw new InvalidConfigException("context", "key", null, "must not be null",
                    "create keys with Context.Key.named(name)");
        }
        return new ValueNode(this, key, value);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A loop up the chain, not a recursion: a chain of any depth (a loop that derives each round's
     * context from the previous one builds one) is searched on any thread's stack.
     */
    @Override
    @SuppressWarnings("unchecked")
    public final <T> Optional<T> value(Key<T> key) {
        for (AbstractContext c = this; c != null; c = c.parent()) {
            if (c instanceof ValueNode v && v.key == key) {
                return Optional.ofNullable((T) v.value);
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<Instant> deadline() {
        return hasDeadline() ? Optional.of(deadlineInstant()) : Optional.empty();
    }

    @Override
    public long remainingNanos() {
        return hasDeadline() ? deadlineNanos() - clock().nanoTime() : Long.MAX_VALUE;
    }

    @Override
    public void throwIfDone() {
        if (isDone()) {
            throw error().orElseThrow().rethrowable();
        }
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (duration == null) {
            throw new InvalidConfigException("context", "duration", null, "must not be null", "");
        }
        throwIfDone();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (duration.isZero() || duration.isNegative()) {
            return;
        }
        long end = clock().nanoTime() + relativeNanos(duration);
        Thread self = Thread.currentThread();
        try (Registration wake = onDone(() -> LockSupport.unpark(self))) {
            while (true) {
                throwIfDone();
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                long left = end - clock().nanoTime();
                if (left <= 0) {
                    return;
                }
                clock().parkNanos(this, Math.min(left, remainingNanos()));
            }
        }
    }

    /**
     * The nanoseconds of {@code d}, clamped to {@code ±MAX_RELATIVE_NANOS}. A point of monotonic time
     * is {@code now + relativeNanos(d)}, wrapping around as {@link System#nanoTime()} may (its origin
     * is arbitrary); it is never saturated, which would put a deadline near the wrap before now.
     */
    static long relativeNanos(Duration d) {
        long nanos;
        try {
            nanos = d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? -MAX_RELATIVE_NANOS : MAX_RELATIVE_NANOS;
        }
        return Math.max(-MAX_RELATIVE_NANOS, Math.min(MAX_RELATIVE_NANOS, nanos));
    }
}
