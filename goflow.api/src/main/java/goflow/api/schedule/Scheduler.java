package goflow.api.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.Primitive;
import goflow.api.pool.WorkerPool;

/**
 * Runs {@link Job}s once after a delay, at an instant, at a fixed rate, with a fixed delay between
 * runs, or by {@link Cron cron expression}, on a worker pool. Create one with
 * {@code goflow.scheduler()...build()}; it is built stopped: call {@link #start()}.
 *
 * <pre>{@code
 * Scheduler scheduler = goflow.scheduler().name("jobs").workers(2).zone(ZoneId.of("Europe/Berlin")).build();
 * scheduler.start();
 * scheduler.every(Duration.ofMinutes(5), ctx -> cache.refresh());
 * scheduler.cron("0 9 * * MON-FRI", ctx -> report.send());
 * scheduler.task(ctx -> upload()).id("upload").retry(Backoff.exponential(5, Duration.ofSeconds(1),
 *         Duration.ofMinutes(1))).once(Duration.ZERO);
 * }</pre>
 *
 * <p><b>Timing.</b> All times come from the scheduler's {@link Clock}: delays and periods from its
 * monotonic time, instants and cron expressions from its wall time. One scheduler thread,
 * {@code goflow-scheduler-<name>-1}, exists while the scheduler is started; it parks on the clock
 * until the earliest due time and then submits the due runs to the pool. Delays and periods count
 * from the scheduling call, or from {@link #start()} for tasks scheduled while stopped. Runs that a
 * late scheduler missed (a suspended machine, a wall clock moved forward) are not caught up: a
 * fixed-rate or cron task runs once and then continues at its next regular time after now, and the
 * missed runs count as skipped.
 *
 * <p><b>Runs.</b> A run that throws is recorded ({@link ScheduledTask#lastOutcome()}) and the
 * schedule continues. A repeating task that comes due while its previous run is still queued or
 * running is skipped under {@link OverlapPolicy#SKIP} (the default). A run that the pool rejects
 * is recorded as failed; the schedule continues.
 *
 * <p><b>Life cycle.</b> {@link #start()} and {@link #stop()} are idempotent, and a stopped scheduler
 * can be started again: its tasks are kept while it is stopped (nothing runs), one-shot tasks that
 * came due meanwhile run at the start, and repeating tasks continue at their next regular time.
 * {@link #stop()} cancels the contexts of active runs and waits for them up to the stop timeout
 * (measured on the scheduler's clock); then an own pool is shut down with
 * {@link WorkerPool#shutdownNow()} (interrupting runs that ignored their context), while a given
 * pool or executor is left alone. A one-shot run that the stop cancelled before its job started
 * runs at the next start. {@link #close()} stops, cancels
 * every task and removes the scheduler from the registry; afterwards scheduling or starting throws
 * {@link ClosedException}.
 *
 * <p>Thread-safe. Everything a thread does before scheduling a task happens-before its runs.
 */
@ProviderType
public interface Scheduler extends Primitive {

    /**
     * Starts the scheduler thread (and an own pool). Idempotent; also restarts a stopped scheduler.
     *
     * @throws ClosedException if the scheduler was closed
     */
    void start();

    /**
     * Stops: no run starts any more (a run already queued in the pool ends cancelled without its
     * job starting), the contexts of active runs are cancelled, and this waits up to
     * the builder's stop timeout for them to end. Tasks stay scheduled. Idempotent (a second call
     * waits again for runs still active). Called from one of this scheduler's own jobs, it does not
     * wait (it would wait for itself) and returns false.
     *
     * @return true if no run is active when it returns
     */
    boolean stop();

    /**
     * Stops as {@link #stop()} does, waiting at most {@code timeout} (on the scheduler's clock).
     * If the thread is interrupted while waiting, it stops waiting, sets its interrupt flag again
     * and returns false unless no run is active.
     *
     * @param timeout how long to wait for active runs, zero or positive
     * @return true if no run is active when it returns
     * @throws goflow.api.InvalidConfigException if {@code timeout} is null or negative
     */
    boolean stop(Duration timeout);

    /**
     * Returns whether the scheduler is started.
     *
     * @return true between {@link #start()} and {@link #stop()}
     */
    boolean isRunning();

    /**
     * Runs {@code job} once after {@code delay}.
     *
     * @param delay zero or positive
     * @param job the work
     * @return the task
     * @throws goflow.api.InvalidConfigException if an argument is invalid or the task table is full
     * @throws ClosedException if the scheduler was closed
     */
    ScheduledTask once(Duration delay, Job job);

    /**
     * Runs {@code job} once at {@code time} of the clock's wall time (at once if it is past).
     *
     * @param time when to run
     * @param job the work
     * @return the task
     * @throws goflow.api.InvalidConfigException if an argument is invalid or the task table is full
     * @throws ClosedException if the scheduler was closed
     */
    ScheduledTask at(Instant time, Job job);

    /**
     * Runs {@code job} at a fixed rate: first after one {@code period}, then every {@code period}
     * after the previous due time (not after the previous run's end). The period is at least 1 ms:
     * a shorter one would keep a core busy with scheduling.
     *
     * @param period at least 1 ms
     * @param job the work
     * @return the task
     * @throws goflow.api.InvalidConfigException if an argument is invalid or the task table is full
     * @throws ClosedException if the scheduler was closed
     */
    ScheduledTask every(Duration period, Job job);

    /**
     * Runs {@code job} with a fixed delay: first after one {@code delay}, then {@code delay} after
     * the previous run ended. Runs never overlap. The delay is at least 1 ms.
     *
     * @param delay at least 1 ms
     * @param job the work
     * @return the task
     * @throws goflow.api.InvalidConfigException if an argument is invalid or the task table is full
     * @throws ClosedException if the scheduler was closed
     */
    ScheduledTask withFixedDelay(Duration delay, Job job);

    /**
     * Runs {@code job} whenever the cron expression fires, evaluated in the builder's zone unless
     * the expression has a {@code TZ=} prefix.
     *
     * @param expression the expression (syntax: {@link Cron})
     * @param job the work
     * @return the task
     * @throws CronSyntaxException if the expression is invalid or can never fire
     * @throws goflow.api.InvalidConfigException if an argument is invalid or the task table is full
     * @throws ClosedException if the scheduler was closed
     */
    ScheduledTask cron(String expression, Job job);

    /**
     * Runs {@code job} whenever {@code cron} fires.
     *
     * @param cron the parsed expression (its zone applies)
     * @param job the work
     * @return the task
     * @throws goflow.api.InvalidConfigException if an argument is invalid or the task table is full
     * @throws ClosedException if the scheduler was closed
     */
    ScheduledTask cron(Cron cron, Job job);

    /**
     * Starts describing a task with options (id, overlap policy, retry, initial delay); finish with
     * one of its schedule methods.
     *
     * @param job the work
     * @return a new task builder
     * @throws goflow.api.InvalidConfigException if {@code job} is null
     */
    TaskBuilder task(Job job);

    /**
     * Finds a scheduled task by id.
     *
     * @param id the id
     * @return the task, or empty when there is none (or it finished or was cancelled)
     */
    Optional<ScheduledTask> task(String id);

    /**
     * Returns the scheduled tasks, those with a next run first in order of it, then the others by id.
     *
     * @return an unmodifiable snapshot
     */
    List<ScheduledTask> tasks();

    /**
     * Cancels every scheduled task.
     *
     * @return how many tasks this call cancelled
     */
    int cancelAll();

    /**
     * Returns a statistics snapshot.
     *
     * @return the statistics
     */
    @Override
    SchedulerStats stats();

    /**
     * Stops (waiting up to the stop timeout), cancels every task, shuts an own pool down and
     * removes the scheduler from the registry. Idempotent.
     */
    @Override
    void close();

    /**
     * Describes one task: options first, then exactly one schedule method, which schedules it.
     * Each option may be set once.
     *
     * <p>Not thread-safe: use a task builder from one thread.
     */
    @ProviderType
    interface TaskBuilder {

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

    /**
     * Configures and builds a {@link Scheduler}, which is built stopped. Each setter validates its
     * argument at once and may be called once. Defaults: an own pool of 2 workers (with a queue of
     * 256 that rejects when full), the system default zone, {@link OverlapPolicy#SKIP}, a stop
     * timeout of 30 s, at most 10000 tasks, the {@code GoFlow}'s clock.
     *
     * <p>Not thread-safe: use a builder from one thread.
     */
    @ProviderType
    interface Builder {

        /**
         * Sets the scheduler's unique name; generated ({@code scheduler-<n>}) when not set.
         *
         * @param name 1 to 128 characters, no whitespace
         * @return this builder
         */
        Builder name(String name);

        /**
         * Sets the number of workers of the scheduler's own pool (named {@code <name>-pool}),
         * created at each start and shut down at each stop. Cannot be combined with
         * {@link #pool(WorkerPool)} or {@link #executor(Executor)}.
         *
         * @param workers positive
         * @return this builder
         */
        Builder workers(int workers);

        /**
         * Runs the jobs on a given pool, which the scheduler never shuts down. Each run is
         * submitted with {@link WorkerPool#submit(goflow.api.context.Context, goflow.api.pool.Task)};
         * with {@link goflow.api.pool.QueueFullPolicy#BLOCK} a full queue delays the scheduler
         * thread (not other schedulers).
         *
         * @param pool the pool
         * @return this builder
         */
        Builder pool(WorkerPool pool);

        /**
         * Runs the jobs on a given executor (for example a virtual-thread executor), which the
         * scheduler never shuts down. A {@link java.util.concurrent.RejectedExecutionException}
         * records the run as failed.
         *
         * @param executor the executor
         * @return this builder
         */
        Builder executor(Executor executor);

        /**
         * Sets the zone cron expressions are evaluated in unless they have a {@code TZ=} prefix.
         *
         * @param zone the zone; the system default when not set
         * @return this builder
         */
        Builder zone(ZoneId zone);

        /**
         * Sets the default overlap policy of repeating tasks.
         *
         * @param policy the policy; {@link OverlapPolicy#SKIP} when not set
         * @return this builder
         */
        Builder overlap(OverlapPolicy policy);

        /**
         * Sets how long {@link #stop()} and {@link #close()} wait for active runs.
         *
         * @param timeout zero or positive; 30 s when not set
         * @return this builder
         */
        Builder stopTimeout(Duration timeout);

        /**
         * Sets how many tasks may be scheduled at once.
         *
         * @param maxTasks positive; 10000 when not set
         * @return this builder
         */
        Builder maxTasks(int maxTasks);

        /**
         * Sets the clock of every delay, period, instant and cron evaluation.
         *
         * @param clock the clock
         * @return this builder
         */
        Builder clock(Clock clock);

        /**
         * Validates the configuration and registers the scheduler, stopped.
         *
         * @return the scheduler; call {@link Scheduler#start()}
         * @throws goflow.api.InvalidConfigException if the configuration is invalid or the name taken
         * @throws ClosedException if the {@code GoFlow} is closed
         */
        Scheduler build();
    }
}
