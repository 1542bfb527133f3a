package goflow.api.pipeline;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of a streaming run.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>Every item taken from the source is counted exactly once:
 * {@code itemsIn == itemsOut + itemsFailed + itemsDropped}.
 *
 * @param itemsIn how many items were taken from the source
 * @param itemsOut how many outputs were delivered: sink calls that returned normally (even if the
 *     run was cancelled while the sink ran)
 * @param itemsFailed how many items failed in a stage and were handed to the error handler (even
 *     if it then threw), or, without one, stopped the run (with several workers, more than one
 *     item may fail before the run stops)
 * @param itemsDropped how many items taken from the source were neither delivered nor failed,
 *     because the run stopped early: items in buffers or stages, waiting for the sink or the
 *     error handler, or whose sink call threw
 * @param error why the run stopped early: the first failure without an error handler, a source,
 *     sink or handler exception, or the {@link goflow.api.context.ContextException} of a
 *     cancelled run; {@code null} when the run completed. An exception thrown once the run is
 *     already stopping (a sink or source giving up when the stop interrupts it) does not replace
 *     the stop's reason
 * @param duration how long the run took
 */
public record StreamingResult(long itemsIn, long itemsOut, long itemsFailed, long itemsDropped, Throwable error,
        Duration duration) {

    /**
     * Validates the components.
     *
     * @param itemsIn items taken from the source
     * @param itemsOut items delivered
     * @param itemsFailed items that failed
     * @param itemsDropped items dropped by an early stop
     * @param error why the run stopped early
     * @param duration how long the run took
     */
    public StreamingResult {
        Objects.requireNonNull(duration, "duration");
    }

    /**
     * Returns whether the run processed its whole source (some items may have failed and been
     * handled by the error handler).
     *
     * @return {@code error() == null}
     */
    public boolean completed() {
        return error == null;
    }
}
