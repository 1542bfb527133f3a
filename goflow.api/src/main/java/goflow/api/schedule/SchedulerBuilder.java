package goflow.api.schedule;

import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.Executor;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.pool.WorkerPool;

/**
 * Configures and builds a {@link Scheduler}, which is built stopped; obtained from
 * {@code GoFlow.scheduler()}.
 *
 * <pre>{@code
 * Scheduler scheduler = goflow.scheduler().name("jobs").workers(2).build();
 * scheduler.start();
 * }</pre>
 *
 * <p>Each setter validates its argument at once and may be called once. Defaults: an own pool of
 * 2 workers (with a queue of 256; when it is full the scheduler thread waits for room, so runs
 * due at once are delayed, not rejected), the system default zone,
 * {@link OverlapPolicy#SKIP}, a stop timeout of 30 s, at most 10000 tasks, the {@code GoFlow}'s
 * clock.
 *
 * <p>Not thread-safe: use a builder from one thread.
 */
@ProviderType
public interface SchedulerBuilder {

    /**
     * Sets the scheduler's unique name; generated ({@code scheduler-<n>}) when not set.
     *
     * @param name 1 to 128 characters, by {@link goflow.api.GoFlow}'s naming rule (no whitespace, control or
     *     invisible characters, nor {@code , = : " * ?}); unique among live primitives
     * @return this builder
     */
    SchedulerBuilder name(String name);

    /**
     * Sets the number of workers of the scheduler's own pool (named {@code <name>-pool}),
     * created at each start and shut down at each stop. Cannot be combined with
     * {@link #pool(WorkerPool)} or {@link #executor(Executor)}.
     *
     * @param workers positive
     * @return this builder
     */
    SchedulerBuilder workers(int workers);

    /**
     * Runs the jobs on a given pool, which the scheduler never shuts down. Each run is
     * submitted with {@link WorkerPool#submit(goflow.api.context.Context, goflow.api.pool.Task)};
     * with {@link goflow.api.pool.QueueFullPolicy#BLOCK} a full queue delays the scheduler
     * thread (not other schedulers).
     *
     * @param pool the pool
     * @return this builder
     */
    SchedulerBuilder pool(WorkerPool pool);

    /**
     * Runs the jobs on a given executor (for example a virtual-thread executor), which the
     * scheduler never shuts down. A {@link java.util.concurrent.RejectedExecutionException}
     * records the run as failed.
     *
     * @param executor the executor
     * @return this builder
     */
    SchedulerBuilder executor(Executor executor);

    /**
     * Sets the zone cron expressions are evaluated in unless they have a {@code TZ=} prefix.
     *
     * @param zone the zone; the system default when not set
     * @return this builder
     */
    SchedulerBuilder zone(ZoneId zone);

    /**
     * Sets the default overlap policy of repeating tasks.
     *
     * @param policy the policy; {@link OverlapPolicy#SKIP} when not set
     * @return this builder
     */
    SchedulerBuilder overlap(OverlapPolicy policy);

    /**
     * Sets how long {@link Scheduler#stop()} and {@link Scheduler#close()} wait for active runs.
     *
     * @param timeout zero or positive; 30 s when not set
     * @return this builder
     */
    SchedulerBuilder stopTimeout(Duration timeout);

    /**
     * Sets how many tasks may be scheduled at once.
     *
     * @param maxTasks positive; 10000 when not set
     * @return this builder
     */
    SchedulerBuilder maxTasks(int maxTasks);

    /**
     * Sets the clock of every delay, period, instant and cron evaluation.
     *
     * @param clock the clock
     * @return this builder
     */
    SchedulerBuilder clock(Clock clock);

    /**
     * Makes every task of this scheduler run once per cluster, as
     * {@link TaskBuilder#oncePerCluster(LeaseProvider, Duration)} describes, unless the task is given
     * its own lease provider.
     *
     * @param leases where the leases are kept
     * @param ttl how long a lease lasts without renewal: at least 10 ms
     * @return this builder
     * @since 0.3
     */
    SchedulerBuilder oncePerCluster(LeaseProvider leases, Duration ttl);

    /**
     * Validates the configuration and registers the scheduler, stopped.
     *
     * @return the scheduler; call {@link Scheduler#start()}
     * @throws goflow.api.InvalidConfigException if the configuration is invalid or the name taken
     * @throws ClosedException if the {@code GoFlow} is closed
     */
    Scheduler build();
}
