package goflow.api.schedule;

import java.time.Duration;
import java.time.Instant;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Describes one task of a {@link Scheduler}; obtained from {@link Scheduler#task(Job)}. Options
 * first, then exactly one schedule method, which schedules it. Each option may be set once.
 *
 * <pre>{@code
 * scheduler.task(ctx -> upload()).id("upload")
 *         .retry(Backoff.exponential(5, Duration.ofSeconds(1), Duration.ofMinutes(1)))
 *         .once(Duration.ZERO);
 * }</pre>
 *
 * <p>Not thread-safe: use a task builder from one thread.
 */
@ProviderType
public interface TaskBuilder {

    /**
     * Sets the task's id; generated ({@code task-<n>}) when not set.
     *
     * @param id 1 to 255 characters, unique among the scheduler's tasks
     * @return this builder
     */
    TaskBuilder id(String id);

    /**
     * Sets what happens when the task comes due while its previous run is active; defaults to
     * the scheduler's policy.
     *
     * @param policy the policy
     * @return this builder
     */
    TaskBuilder overlap(OverlapPolicy policy);

    /**
     * Retries a failed run with exponential backoff; only for one-shot tasks
     * ({@link #once(Duration)}, {@link #at(Instant)}).
     *
     * @param backoff the retry policy
     * @return this builder
     */
    TaskBuilder retry(Backoff backoff);

    /**
     * Sets when a fixed-rate or fixed-delay task first runs; defaults to one period.
     *
     * @param delay zero or positive
     * @return this builder
     */
    TaskBuilder initialDelay(Duration delay);

    /**
     * Schedules the task once after {@code delay}.
     *
     * @param delay zero or positive
     * @return the task
     */
    ScheduledTask once(Duration delay);

    /**
     * Schedules the task once at {@code time}.
     *
     * @param time when to run
     * @return the task
     */
    ScheduledTask at(Instant time);

    /**
     * Schedules the task at a fixed rate.
     *
     * @param period at least 1 ms
     * @return the task
     */
    ScheduledTask every(Duration period);

    /**
     * Schedules the task with a fixed delay between the end of a run and the next start.
     *
     * @param delay at least 1 ms
     * @return the task
     */
    ScheduledTask withFixedDelay(Duration delay);

    /**
     * Schedules the task by a cron expression, in the scheduler's zone unless it has a
     * {@code TZ=} prefix.
     *
     * @param expression the expression
     * @return the task
     */
    ScheduledTask cron(String expression);

    /**
     * Schedules the task by a parsed cron expression.
     *
     * @param cron the expression
     * @return the task
     */
    ScheduledTask cron(Cron cron);
}
