package goflow.impl.schedule;

import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import goflow.api.Clock;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.pool.WorkerPool;
import goflow.api.pool.WorkerPoolBuilder;
import goflow.api.schedule.LeaseProvider;
import goflow.api.schedule.OverlapPolicy;
import goflow.api.schedule.Scheduler;
import goflow.api.schedule.SchedulerBuilder;
import goflow.impl.internal.Check;
import goflow.impl.internal.PrimitiveRegistry;

/** The {@link SchedulerBuilder}. Not thread-safe. */
public final class SchedulerBuilderImpl implements SchedulerBuilder {
    private static final String KIND = Primitive.Kind.SCHEDULER.label();

    private final PrimitiveRegistry registry;
    final Supplier<WorkerPoolBuilder> poolBuilders;
    private String name;
    int workers = 2;
    private boolean workersSet;
    WorkerPool pool;
    Executor executor;
    ZoneId zone = ZoneId.systemDefault();
    private boolean zoneSet;
    OverlapPolicy overlap = OverlapPolicy.SKIP;
    private boolean overlapSet;
    Duration stopTimeout = Duration.ofSeconds(30);
    private boolean stopTimeoutSet;
    int maxTasks = 10_000;
    private boolean maxTasksSet;
    Clock clock;
    private boolean clockSet;
    LeaseProvider leases;
    Duration leaseTtl;

    /**
     * Creates a builder.
     *
     * @param registry where the scheduler is registered
     * @param defaultClock the GoFlow's clock
     * @param poolBuilders makes builders of the own pool
     */
    public SchedulerBuilderImpl(PrimitiveRegistry registry, Clock defaultClock, Supplier<WorkerPoolBuilder> poolBuilders) {
        this.registry = registry;
        this.clock = defaultClock;
        this.poolBuilders = poolBuilders;
    }

    @Override
    public SchedulerBuilder name(String value) {
        Check.setOnce(KIND, "name", name != null, value);
        name = Check.name(KIND, value);
        return this;
    }

    @Override
    public SchedulerBuilder workers(int value) {
        Check.setOnce(KIND, "workers", workersSet, value);
        Check.positive(KIND, "workers", value, "the number of threads of the scheduler's own pool");
        if (value > WorkerPoolBuilder.DEFAULT_MAX_WORKERS) { // else only start() would find out, building the pool
            throw new InvalidConfigException(KIND, "workers", value,
                    "must be at most " + WorkerPoolBuilder.DEFAULT_MAX_WORKERS + ", the most workers of the own pool",
                    "give the scheduler a pool(...) built with a higher maxWorkers if this many threads are really wanted");
        }
        requireNoRunner("workers", value);
        workers = value;
        workersSet = true;
        return this;
    }

    @Override
    public SchedulerBuilder pool(WorkerPool value) {
        Check.setOnce(KIND, "pool", pool != null, value);
        Check.notNull(KIND, "pool", value);
        requireNoRunner("pool", value);
        pool = value;
        return this;
    }

    @Override
    public SchedulerBuilder executor(Executor value) {
        Check.setOnce(KIND, "executor", executor != null, value);
        Check.notNull(KIND, "executor", value);
        requireNoRunner("executor", value);
        executor = value;
        return this;
    }

    private void requireNoRunner(String field, Object value) {
        if (workersSet || pool != null || executor != null) {
            throw new InvalidConfigException(KIND, field, value, "conflicts with an earlier workers, pool or executor",
                    "set only one of workers (an own pool), pool and executor");
        }
    }

    @Override
    public SchedulerBuilder zone(ZoneId value) {
        Check.setOnce(KIND, "zone", zoneSet, value);
        zone = Check.notNull(KIND, "zone", value);
        zoneSet = true;
        return this;
    }

    @Override
    public SchedulerBuilder overlap(OverlapPolicy value) {
        Check.setOnce(KIND, "overlap", overlapSet, value);
        overlap = Check.notNull(KIND, "overlap", value);
        overlapSet = true;
        return this;
    }

    @Override
    public SchedulerBuilder stopTimeout(Duration value) {
        Check.setOnce(KIND, "stopTimeout", stopTimeoutSet, value);
        stopTimeout = Check.notNegative(KIND, "stopTimeout", value, "how long stop() waits for active runs");
        stopTimeoutSet = true;
        return this;
    }

    @Override
    public SchedulerBuilder maxTasks(int value) {
        Check.setOnce(KIND, "maxTasks", maxTasksSet, value);
        Check.positive(KIND, "maxTasks", value, "how many tasks may be scheduled at once");
        maxTasks = value;
        maxTasksSet = true;
        return this;
    }

    @Override
    public SchedulerBuilder clock(Clock value) {
        Check.setOnce(KIND, "clock", clockSet, value);
        clock = Check.notNull(KIND, "clock", value);
        clockSet = true;
        return this;
    }

    @Override
    public SchedulerBuilder oncePerCluster(LeaseProvider provider, Duration ttl) {
        Check.setOnce(KIND, "oncePerCluster", leases != null, provider);
        Check.notNull(KIND, "leases", provider);
        // both checked before either is kept: a refused call must leave the builder as it was
        leaseTtl = TaskBuilderImpl.checkLeaseTtl(KIND, ttl);
        leases = provider;
        return this;
    }

    @Override
    public Scheduler build() {
        PrimitiveRegistry.Entry entry = registry.reserve(Primitive.Kind.SCHEDULER, name);
        try {
            return entry.activate(new SchedulerImpl(this, entry));
        } catch (RuntimeException | Error e) {
            entry.release();
            throw e;
        }
    }
}
