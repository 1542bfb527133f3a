package goflow.api.pipeline;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of a streaming run.
 *
 * <p>Immutable and thread-safe.
 *
 * @param itemsIn how many items were taken from the source
 * @param itemsOut how many outputs were delivered to the sink
 * @param itemsFailed how many items failed in a stage (handled, or the one that stopped the run)
 * @param itemsDropped how many items taken from the source were neither delivered nor failed,
 *     because the run stopped early
 * @param error why the run stopped early: the first failure without an error handler, a source,
 *     sink or handler exception, or the {@link goflow.api.context.ContextException} of a
 *     cancelled run; {@code null} when the run completed
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
