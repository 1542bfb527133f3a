package goflow.api.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What one stage did in one execution.
 *
 * <p>Immutable; thread-safe as far as the input and output objects are.
 *
 * @param stageName the stage's name
 * @param input what the stage received
 * @param output what it returned, or {@code null} when it failed
 * @param error why it failed, or {@code null} when it succeeded: the exception or error the stage
 *     threw, or a {@link goflow.api.context.ContextException} when the execution's context ended
 *     while the pipeline waited for the stage on an executor
 * @param start when the stage started
 * @param end when it ended (or was given up)
 * @param duration {@code end - start}, measured on the pipeline's monotonic clock
 */
public record StageResult(String stageName, Object input, Object output, Throwable error, Instant start,
        Instant end, Duration duration) {

    /**
     * Validates the components.
     *
     * @param stageName the stage's name
     * @param input what the stage received
     * @param output what it returned
     * @param error why it failed
     * @param start when the stage started
     * @param end when it ended
     * @param duration how long it took
     */
    public StageResult {
        Objects.requireNonNull(stageName, "stageName");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(duration, "duration");
    }

    /**
     * Returns whether the stage returned normally.
     *
     * @return {@code error() == null}
     */
    public boolean succeeded() {
        return error == null;
    }
}
