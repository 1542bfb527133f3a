package goflow.impl.pool;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;

import goflow.api.Clock;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.pool.QueueFullPolicy;
import goflow.api.pool.ResultListener;
import goflow.api.pool.WorkerPool;
import goflow.api.pool.WorkerPoolBuilder;
import goflow.impl.internal.Check;
import goflow.impl.internal.PrimitiveRegistry;

/**
 * Builds {@link WorkerPoolImpl}s: validates each setting as it is set, cross-checks in
 * {@link #build()} (workers against maxWorkers), reserves the name, then starts the workers;
 * nothing is registered and no thread is left running when building fails.
 *
 * <p>Not thread-safe (a builder is used by one thread).
 */
public final class WorkerPoolBuilderImpl implements WorkerPoolBuilder {
    /** The queue capacity used when none is set. */
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;

    private static final String C = Primitive.Kind.WORKER_POOL.label();
    private static final System.Logger LOG = System.getLogger(WorkerPool.class.getName());

    private final PrimitiveRegistry registry;
    private String name;
    private Integer workers;
    private Integer maxWorkers;
    private Integer queueCapacity;
    private Duration taskTimeout;
    private QueueFullPolicy onQueueFull;
    private ThreadFactory threadFactory;
    private Boolean virtualThreads;
    private Boolean measureTaskTimes;
    private ResultListener listener;
    private Clock clock;
    private final Clock defaultClock;

    /**
     * Creates a builder.
     *
     * @param registry where the pool is registered
     * @param defaultClock the clock used unless one is set
     */
    public WorkerPoolBuilderImpl(PrimitiveRegistry registry, Clock defaultClock) {
        this.registry = registry;
        this.defaultClock = defaultClock;
    }

    @Override
    public WorkerPoolBuilderImpl name(String name) {
        Check.setOnce(C, "name", this.name != null, name);
        this.name = Check.name(C, name);
        return this;
    }

    @Override
    public WorkerPoolBuilderImpl workers(int workers) {
        Check.setOnce(C, "workers", this.workers != null, workers);
        Check.positive(C, "workers", workers, "the number of threads running tasks");
        this.workers = workers;
        return this;
    }

    @Override
    public WorkerPoolBuilderImpl maxWorkers(int max) {
        Check.setOnce(C, "maxWorkers", this.maxWorkers != null, max);
        Check.positive(C, "maxWorkers", max, "the most threads the pool may run, also for setWorkers");
        this.maxWorkers = max;
        return this;
    }

    @Override
    public WorkerPoolBuilderImpl queueCapacity(int capacity) {
        Check.setOnce(C, "queueCapacity", this.queueCapacity != null, capacity);
        Check.notNegative(C, "queueCapacity", capacity,
                "how many accepted tasks may wait for a worker; 0 hands tasks only to idle workers");
        this.queueCapacity = capacity;
        return this;
    }

    @Override
    public WorkerPoolBuilderImpl taskTimeout(Duration timeout) {
        Check.setOnce(C, "taskTimeout", this.taskTimeout != null, timeout);
        this.taskTimeout = Check.notNegative(C, "taskTimeout", timeout,
                "the longest a task may run; zero means no timeout");
        return this;
    }

    @Override
    public WorkerPoolBuilderImpl onQueueFull(QueueFullPolicy policy) {
        Check.setOnce(C, "onQueueFull", this.onQueueFull != null, policy);
        this.onQueueFull = Check.notNull(C, "onQueueFull", policy);
        return this;
    }

    @Override
    public WorkerPoolBuilderImpl threadFactory(ThreadFactory factory) {
        Check.setOnce(C, "threadFactory", this.threadFactory != null, factory);
        this.threadFactory = Check.notNull(C, "threadFactory", factory);
        return this;
    }

    @Override
    public WorkerPoolBuilderImpl virtualThreads(boolean virtual) {
        Check.setOnce(C, "virtualThreads", this.virtualThreads != null, virtual);
        this.virtualThreads = virtual;
        return this;
    }

    @Override
    public WorkerPoolBuilderImpl measureTaskTimes(boolean measure) {
        Check.setOnce(C, "measureTaskTimes", this.measureTaskTimes != null, measure);
        this.measureTaskTimes = measure;
        return this;
    }

    @Override
    public WorkerPoolBuilderImpl resultListener(ResultListener listener) {
        Check.setOnce(C, "resultListener", this.listener != null, listener);
        this.listener = Check.notNull(C, "resultListener", listener);
        return this;
    }

    @Override
    public WorkerPoolBuilderImpl clock(Clock clock) {
        Check.setOnce(C, "clock", this.clock != null, clock);
        this.clock = Check.notNull(C, "clock", clock);
        return this;
    }

    @Override
    public WorkerPool build() {
        boolean wantVirtual = virtualThreads != null && virtualThreads;
        if (wantVirtual && threadFactory != null) {
            throw new InvalidConfigException(C, "virtualThreads", true, "cannot be combined with threadFactory",
                    "set one of them: a thread factory, or virtual threads");
        }
        ThreadFactory factory = threadFactory;
        boolean virtual = false;
        if (wantVirtual) {
            factory = Threads.virtualOrNull();
            virtual = factory != null;
            if (!virtual) {
                LOG.log(Level.INFO, "worker-pool: this JVM (" + Runtime.version()
                        + ") has no virtual threads; using platform threads");
            }
        }
        if (factory == null) {
            factory = Threads.platform();
        }
        int max = maxWorkers != null ? maxWorkers : DEFAULT_MAX_WORKERS;
        int w = workers != null ? workers : Math.min(max, Runtime.getRuntime().availableProcessors());
        if (w > max) {
            throw new InvalidConfigException(C, "workers", w, "must be at most maxWorkers=" + max,
                    "set a higher maxWorkers if this many threads are really wanted");
        }
        int q = queueCapacity != null ? queueCapacity : DEFAULT_QUEUE_CAPACITY;
        PrimitiveRegistry.Entry entry = registry.reserve(Primitive.Kind.WORKER_POOL, name);
        try {
            WorkerPoolImpl pool = new WorkerPoolImpl(entry.name(), entry, clock != null ? clock : defaultClock, w, max, q,
                    taskTimeout != null ? taskTimeout : Duration.ZERO,
                    onQueueFull != null ? onQueueFull : QueueFullPolicy.BLOCK, listener, factory, virtual,
                    measureTaskTimes == null || measureTaskTimes);
            return entry.activate(pool);
        } catch (RuntimeException | Error e) {
            entry.release();
            throw e;
        }
    }
}
