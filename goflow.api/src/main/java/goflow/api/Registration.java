package goflow.api;

/**
 * A handle on something registered for later: a {@link goflow.api.context.Context#onDone callback}
 * or a {@link Clock#schedule timer}. Closing it removes the registration; closing twice, or after
 * the action ran, does nothing.
 *
 * <p>Implementations are thread-safe.
 */
@FunctionalInterface
public interface Registration extends AutoCloseable {
    /** A registration with nothing to remove. */
    Registration NONE = () -> { };

    /** Removes the registration if it is still pending. Idempotent; never throws. */
    @Override
    void close();
}
