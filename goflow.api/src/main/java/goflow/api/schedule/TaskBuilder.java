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
     * Makes the task run once per cluster: every node of a fleet schedules it (same scheduler name,
     * same task {@link #id id}), and at each due time only the node holding its lease runs it.
     * Overrides the scheduler's {@link SchedulerBuilder#oncePerCluster default}.
     *
     * <p>The lease is named {@code goflow/<scheduler>/<task id>} ({@code %} and {@code /} in the
     * scheduler's name written {@code %25} and {@code %2F}), which must have at most 255
     * characters, the longest name a {@link LeaseProvider} takes: scheduling a task whose id makes
     * it longer throws {@link goflow.api.InvalidConfigException}. When the task comes due, the node
     * that holds the lease renews it, any other node tries to take it; the node without it skips
     * the run (counted in {@link ScheduledTask#skippedCount()}), and so does a node that cannot
     * reach the lease store (the safe side: a run is never duplicated, it may be missed while the
     * store is down). During the run the lease is renewed every third of {@code ttl}; the job finds
     * it, with its fencing token, in its context under {@link Lease#CONTEXT_KEY}; if it is lost,
     * the run's context is cancelled. After the run the node keeps the lease (it is not released),
     * so it runs the next due time too while it lives: when it dies, the lease runs out and the
     * next due time after that is run by another node, within one {@code ttl}. Stopping or closing
     * the scheduler, or cancelling the task, releases the lease; a run of the task still active
     * then (its job ignores its context) keeps it, renewed, and releases it when it ends, so that
     * no other node runs the task meanwhile. {@code ttl} must be longer than
     * the clock skew between the nodes, or a node whose clock lags could run a due time again.
     *
     * @param leases where the leases are kept, e.g. goflow.redis's lease provider
     * @param ttl how long a lease lasts without renewal: at least 10 ms
     * @return this builder
     * @since 0.3
     */
    TaskBuilder oncePerCluster(LeaseProvider leases, Duration ttl);

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
