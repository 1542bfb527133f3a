package goflow.api.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How one run of a {@link ScheduledTask} ended.
 *
 * @param run the run's number, 1 for the first run of the task (retries count as runs)
 * @param status how it ended
 * @param started when it started, on the scheduler's clock
 * @param duration how long it ran, on the scheduler's clock
 * @param failure what it threw; {@code null} when it succeeded
 */
public record RunOutcome(long run, Status status, Instant started, Duration duration, Throwable failure) {

    /**
     * Validates the components.
     *
     * @param run the run's number
     * @param status how it ended
     * @param started when it started
     * @param duration how long it ran
     * @param failure what it threw, or {@code null}
     */
    public RunOutcome {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(duration, "duration");
    }

    /**
     * Returns what the run threw.
     *
     * @return the failure, or empty when it succeeded
     */
    public Optional<Throwable> error() {
        return Optional.ofNullable(failure);
    }

    /** How a run ended. */
    public enum Status {
        /** The job returned normally. */
        SUCCEEDED,
        /** The job threw while its context was live, or the pool rejected or dropped the run. */
        FAILED,
        /** The run's context was done (task cancelled, scheduler stopped, pool timeout or shutdown). */
        CANCELLED
    }
}
