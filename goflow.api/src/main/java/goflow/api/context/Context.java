package goflow.api.context;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.Clock;
import goflow.api.Registration;
import goflow.api.internal.context.Background;

/**
 * Carries cancellation, an optional deadline and request-scoped values into blocking operations.
 *
 * <p>Start from {@link #background()} (never done) and derive children:
 * {@link #withCancel()}, {@link #withTimeout(Duration)}, {@link #withDeadline(Instant)} and
 * {@link #withValue(Key, Object)}. A child becomes done when its parent does, when it is cancelled,
 * or when its deadline passes; cancelling a child never affects its parent. A child's deadline is
 * the earlier of its own and its parent's. Every context has the {@link Clock} of its root, so
 * deadlines are measured on the same clock as the primitives that use it.
 *
 * <p>Once done, a context stays done and its {@link #error()} never changes: a
 * {@link CancelledException} or a {@link DeadlineExceededException}.
 *
 * <p>Blocking goflow operations that take a context also honour thread interruption: they throw
 * {@link InterruptedException} when the calling thread is interrupted while they wait.
 *
 * <p>Contexts are thread-safe; {@link #onDone} callbacks run exactly once, on the thread that ends
 * the context (or on the registering thread if it was already done), and everything that thread
 * did before cancelling happens-before the callbacks run.
 */
@ProviderType
public interface Context {

    /**
     * Returns the root context on the system clock: never cancelled, no deadline, no values.
     *
     * @return the shared background context
     */
    static Context background() {
        return Background.system();
    }

    /**
     * Returns a root context that measures deadlines on {@code clock}: never cancelled, no
     * deadline, no values. Use it with a {@link goflow.api.testing.ManualClock} in tests.
     *
     * @param clock the clock every descendant uses
     * @return a new root context
     */
    static Context background(Clock clock) {
        return Background.of(clock);
    }

    /**
     * Returns a child that can be cancelled.
     *
     * @return a new cancellable child; close it when done with it
     */
    CancellableContext withCancel();

    /**
     * Returns a child that is cancelled with a {@link DeadlineExceededException} after
     * {@code timeout} of this context's clock. A zero or negative timeout gives a child that is
     * already done; one beyond the range of {@link Instant} ({@code ChronoUnit.FOREVER}) a child
     * whose {@link #deadline()} is {@link Instant#MAX}. Timeouts longer than about 73 years are
     * measured as 73 years, so such a child never times out in practice.
     *
     * @param timeout how long the child lives
     * @return a new cancellable child; close it when done with it, to release its timer early
     * @throws goflow.api.InvalidConfigException if {@code timeout} is null
     */
    CancellableContext withTimeout(Duration timeout);

    /**
     * Returns a child that is cancelled with a {@link DeadlineExceededException} at
     * {@code deadline} (wall-clock time converted once, at creation, to this context's monotonic
     * clock). A deadline in the past gives a child that is already done.
     *
     * @param deadline when the child ends
     * @return a new cancellable child; close it when done with it, to release its timer early
     * @throws goflow.api.InvalidConfigException if {@code deadline} is null
     */
    CancellableContext withDeadline(Instant deadline);

    /**
     * Returns a child that carries {@code value} under {@code key}; it is done exactly when this
     * context is.
     *
     * @param <T> the value type
     * @param key the key, compared by identity
     * @param value the value; {@code null} hides an ancestor's value for the same key
     * @return a new child
     */
    <T> Context withValue(Key<T> key, T value);

    /**
     * Looks a value up in this context and its ancestors, nearest first.
     *
     * @param <T> the value type
     * @param key the key
     * @return the value, or empty when no context in the chain carries the key (or it maps to null)
     */
    <T> Optional<T> value(Key<T> key);

    /**
     * Returns whether this context is done (cancelled or past its deadline). Cheap enough to call
     * once per processed item.
     *
     * @return {@code true} once done, forever after
     */
    boolean isDone();

    /**
     * Returns why this context is done.
     *
     * @return a {@link CancelledException} or {@link DeadlineExceededException}, or empty while the
     *     context is live
     */
    Optional<ContextException> error();

    /**
     * Returns the cause given to {@link CancellableContext#cancel(Throwable)} on this context or the
     * ancestor that ended it, or else the {@link #error()} itself.
     *
     * @return the cause, or empty while the context is live
     */
    Optional<Throwable> cause();

    /**
     * Returns the deadline of this context: the earliest of its own and its ancestors'.
     *
     * @return the deadline, or empty if there is none
     */
    Optional<Instant> deadline();

    /**
     * Returns how many nanoseconds of this context's clock remain before its deadline.
     *
     * @return the time left (zero or negative once passed), or {@link Long#MAX_VALUE} when there is
     *     no deadline
     */
    long remainingNanos();

    /**
     * Returns the clock deadlines are measured on.
     *
     * @return the clock of the root context
     */
    Clock clock();

    /**
     * Registers a callback to run once when this context becomes done. If it is already done, the
     * callback runs at once on the calling thread. An exception thrown by the callback is logged
     * and does not stop the other callbacks.
     *
     * @param callback what to run; it must be short and must not block
     * @return a registration that removes the callback if it has not run yet
     */
    Registration onDone(Runnable callback);

    /**
     * Throws if this context is done.
     *
     * @throws CancelledException if it was cancelled
     * @throws DeadlineExceededException if its deadline passed
     */
    void throwIfDone();

    /**
     * Waits for {@code duration} of this context's clock, or until the context is done.
     *
     * @param duration how long to wait; zero or negative returns at once (after checking the context)
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws CancelledException if the context is cancelled first
     * @throws DeadlineExceededException if the deadline passes first
     */
    void sleep(Duration duration) throws InterruptedException;

    /**
     * A typed key for {@link #withValue}. Keys compare by identity: create one per purpose and
     * keep it in a constant.
     *
     * @param <T> the type of the values stored under the key
     */
    final class Key<T> {
        private final String name;

        private Key(String name) {
            this.name = name;
        }

        /**
         * Creates a new key; its name is only for diagnostics.
         *
         * @param <T> the value type
         * @param name a descriptive name
         * @return a key distinct from every other key
         */
        public static <T> Key<T> named(String name) {
            return new Key<>(Objects.requireNonNull(name, "name"));
        }

        /**
         * Returns the name given at creation.
         *
         * @return the name
         */
        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return "Key[" + name + "]";
        }
    }
}
