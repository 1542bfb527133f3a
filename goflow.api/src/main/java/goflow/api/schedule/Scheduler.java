package goflow.api.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

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
 * every task and removes the scheduler from the registry; from the moment it begins (while it still
 * waits for active runs too), scheduling or starting throws {@link ClosedException}.
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
}
