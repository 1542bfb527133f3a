package goflow.api.pipeline;

import java.time.Duration;
import java.util.Objects;

import goflow.api.inspect.Stats;

/**
 * A statistics snapshot of one stage of one pipeline, over single executions and streamed items.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the stage's name
 * @param count how many times the stage completed (successes plus errors)
 * @param successes how many times it returned normally
 * @param errors how many times it failed
 * @param totalDuration the sum of its durations
 * @param averageDuration {@code totalDuration / count}, or zero
 * @param maxDuration the longest single duration
 * @param inFlight how many calls of the stage are running now
 */
public record StageStats(String name, long count, long successes, long errors, Duration totalDuration,
        Duration averageDuration, Duration maxDuration, long inFlight) implements Stats {

    /**
     * Validates the components.
     *
     * @param name the stage's name
     * @param count completed calls
     * @param successes successful calls
     * @param errors failed calls
     * @param totalDuration sum of durations
     * @param averageDuration average duration
     * @param maxDuration longest duration
     * @param inFlight running calls
     */
    public StageStats {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(totalDuration, "totalDuration");
        Objects.requireNonNull(averageDuration, "averageDuration");
        Objects.requireNonNull(maxDuration, "maxDuration");
    }
}
