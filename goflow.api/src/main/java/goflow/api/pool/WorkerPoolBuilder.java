package goflow.api.pool;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.Clock;
import goflow.api.ClosedException;

/**
 * Configures and builds a {@link WorkerPool}; obtained from {@code GoFlow.workerPool()}.
 *
 * <pre>{@code
 * WorkerPool pool = goflow.workerPool().name("io").workers(4).queueCapacity(100)
 *         .taskTimeout(Duration.ofSeconds(5)).build();
 * }</pre>
 *
 * <p>Each setter validates its argument at once and may be called once. Defaults: as many workers
 * as available processors, a queue of 1024, no task timeout, {@link QueueFullPolicy#BLOCK},
 * platform daemon threads named {@code goflow-worker-pool-<name>-<n>}, no listener, the
 * {@code GoFlow}'s clock, at most {@value #DEFAULT_MAX_WORKERS} workers, task times measured.
 *
 * <p>Not thread-safe: use a builder from one thread.
 */
@ProviderType
public interface WorkerPoolBuilder {
    /**
     * The most workers a pool may have unless {@link #maxWorkers(int)} says otherwise. Pool sizes
     * follow blocking I/O more than cores, so the bound is not a multiple of the processors (a
     * small machine may rightly run hundreds of I/O workers); it is more than any reasonable
     * platform-thread pool needs and below the usual default limits of a Linux server on
     * threads and address space (each platform thread reserves a stack, 1 MiB by default). It
     * stops a typo such as {@code workers=100000} from creating threads until the system
     * refuses and the JVM aborts; where the system refuses earlier, the resize fails cleanly.
     */
    int DEFAULT_MAX_WORKERS = 10_000;

    /**
     * Sets the pool's unique name; generated ({@code worker-pool-<n>}) when not set.
     *
     * @param name 1 to 128 characters, by {@link goflow.api.GoFlow}'s naming rule (no whitespace, control or
     *     invisible characters, nor {@code , = : " * ?}); unique among live primitives
     * @return this builder
     */
    WorkerPoolBuilder name(String name);

    /**
     * Sets the number of workers.
     *
     * @param workers positive, at most {@link #maxWorkers(int) maxWorkers} (checked by
     *     {@link #build()})
     * @return this builder
     */
    WorkerPoolBuilder workers(int workers);

    /**
     * Sets the most workers the pool may have, at build time and for every later
     * {@link WorkerPool#setWorkers(int)} (and so for a resize from the shell, JMX or a
     * configuration); default {@value #DEFAULT_MAX_WORKERS}. Without {@link #workers(int)}, the
     * default worker count (the available processors) is capped by it.
     *
     * @param max positive
     * @return this builder
     */
    WorkerPoolBuilder maxWorkers(int max);

    /**
     * Sets the queue's capacity: how many accepted tasks may wait for a worker.
     *
     * @param capacity zero or more; 0 accepts a task only when a worker is idle to take it
     * @return this builder
     */
    WorkerPoolBuilder queueCapacity(int capacity);

    /**
     * Sets the longest a task may run: past it, the task's context ends with a
     * {@link goflow.api.context.DeadlineExceededException} and its thread is interrupted.
     *
     * @param timeout zero (no timeout, the default) or positive
     * @return this builder
     */
    WorkerPoolBuilder taskTimeout(Duration timeout);

    /**
     * Sets what a submit does when the queue is full.
     *
     * @param policy {@link QueueFullPolicy#BLOCK} (the default) or {@link QueueFullPolicy#REJECT}
     * @return this builder
     */
    WorkerPoolBuilder onQueueFull(QueueFullPolicy policy);

    /**
     * Sets the factory of worker threads (for example to set priorities or context class
     * loaders). The pool names the threads it gets {@code goflow-worker-pool-<name>-<n>}.
     * Cannot be combined with {@link #virtualThreads(boolean)}.
     *
     * @param factory the factory
     * @return this builder
     */
    WorkerPoolBuilder threadFactory(ThreadFactory factory);

    /**
     * Runs workers on virtual threads when the running JVM has them (Java 21 and later), and on
     * platform threads otherwise ({@link PoolStats#virtualThreads()} tells which). Cannot be
     * combined with {@link #threadFactory(ThreadFactory)}.
     *
     * @param virtual whether to prefer virtual threads; false by default
     * @return this builder
     */
    WorkerPoolBuilder virtualThreads(boolean virtual);

    /**
     * Sets whether the workers measure how long each task runs (the default: true). The figures
     * are exact: {@link PoolStats#averageTaskTime()}, {@link PoolStats#maxTaskTime()} and each
     * {@link TaskResult#duration()}. Measuring costs one clock read per task (the end of one task
     * is the start of the next), which is a large share of a task that does almost nothing: a
     * pool of such tasks without task times keeps up with a {@code ThreadPoolExecutor}, which
     * measures nothing, while with them it keeps up with an executor that times its tasks
     * (docs/pool.md, "Performance notes"). Without task times those two figures are
     * {@code null} (absent from {@link PoolStats#toMap()}, and so from the shell, JMX, the
     * metrics and the dashboard) and every {@link TaskResult#duration()} is zero; the task
     * timeout works either way.
     *
     * @param measure false to skip the clock reads around tasks
     * @return this builder
     */
    WorkerPoolBuilder measureTaskTimes(boolean measure);

    /**
     * Sets a listener that sees every result.
     *
     * @param listener the listener
     * @return this builder
     */
    WorkerPoolBuilder resultListener(ResultListener listener);

    /**
     * Sets the clock that measures task run times (unless {@link #measureTaskTimes(boolean)
     * measureTaskTimes(false)}), {@link WorkerPool#awaitTermination(Duration)} and, for
     * {@link WorkerPool#submit(Task)}, task timeouts.
     *
     * @param clock the clock
     * @return this builder
     */
    WorkerPoolBuilder clock(Clock clock);

    /**
     * Validates the configuration, registers the pool and starts its workers. If a worker's
     * thread cannot be created or started, the workers already started stop and nothing is
     * registered.
     *
     * @return the running pool
     * @throws goflow.api.InvalidConfigException if the configuration is invalid, the name taken,
     *     or the worker threads cannot be started (the cause tells why)
     * @throws ClosedException if the {@code GoFlow} is closed
     */
    WorkerPool build();
}
