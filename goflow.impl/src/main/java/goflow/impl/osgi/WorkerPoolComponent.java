package goflow.impl.osgi;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.Clock;
import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.pool.QueueFullPolicy;
import goflow.api.pool.WorkerPool;
import goflow.api.pool.WorkerPoolBuilder;
import goflow.impl.GoFlowImpl;

/**
 * A worker pool per factory configuration {@value WorkerPoolConfig#PID}: registered with
 * {@code goflow.name}; the worker count changes live; any other change recreates the pool (the old
 * one completes its accepted tasks first), and a change that is rejected leaves the pool in effect
 * and its tasks as they were (its values are checked by a builder that is not built); deleting the
 * configuration shuts it down gracefully.
 *
 * <p>Thread-safe: see {@link Configured}.
 */
@Component(configurationPid = WorkerPoolConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = WorkerPoolConfig.class, factory = true)
public final class WorkerPoolComponent extends ConfiguredComponent<WorkerPoolConfig, WorkerPool> {
    static final Configured.Kind<WorkerPoolConfig, WorkerPool> KIND = new Configured.Kind<>(WorkerPoolConfig.PID,
            "worker-pool", WorkerPoolConfig.class, WorkerPool.class, Executor.class, Primitive.class) {
        @Override
        String name(WorkerPoolConfig config) {
            return config.name();
        }

        @Override
        List<Object> fixed(WorkerPoolConfig config) {
            return List.of(config.maxWorkers(), config.queueCapacity(), config.taskTimeout(), config.onQueueFull(),
                    config.virtualThreads(), config.measureTaskTimes());
        }

        @Override
        void check(WorkerPoolConfig config) {
            // the builder checks each value as it is set; it is not built (that starts threads)
            GoFlowImpl scratch = new GoFlowImpl(Clock.system(), WorkerPoolConfig.PID + " check");
            try {
                configure(scratch, config, "check");
            } finally {
                scratch.close();
            }
            if (config.workers() > config.maxWorkers()) { // checked by build()
                throw new InvalidConfigException("worker-pool", "workers", config.workers(), "must be at most maxWorkers="
                        + config.maxWorkers(), "set a higher maxWorkers if this many threads are really wanted");
            }
        }

        @Override
        WorkerPool build(GoFlow goflow, WorkerPoolConfig config, String name) {
            return configure(goflow, config, name).build();
        }

        private WorkerPoolBuilder configure(GoFlow goflow, WorkerPoolConfig config, String name) {
            WorkerPoolBuilder b = goflow.workerPool().name(name).maxWorkers(config.maxWorkers())
                    .workers(config.workers()).queueCapacity(config.queueCapacity())
                    .onQueueFull(policy(config.onQueueFull())).virtualThreads(config.virtualThreads())
                    .measureTaskTimes(config.measureTaskTimes());
            Duration timeout = timeout(config.taskTimeout());
            if (!timeout.isZero()) {
                b.taskTimeout(timeout);
            }
            return b;
        }

        @Override
        List<Configured.Change> live(GoFlowImpl goflow, WorkerPool p, WorkerPoolConfig config) {
            int oldWorkers = p.workers();
            return List.of(new Configured.Change(() -> p.setWorkers(config.workers()), () -> p.setWorkers(oldWorkers)));
        }
    };

    /**
     * Creates and registers the pool (or logs why the configuration is rejected).
     *
     * @param context this bundle's context
     * @param properties the configuration's properties
     * @param live the live registry
     */
    @Activate
    public WorkerPoolComponent(BundleContext context, Map<String, Object> properties, @Reference LiveRegistry live) {
        super(Configured.start(context, properties, live, null, KIND));
    }

    static Duration timeout(String value) {
        if (value == null || value.isBlank()) {
            return Duration.ZERO;
        }
        return Configured.duration("worker-pool", "taskTimeout", value, "none");
    }

    static QueueFullPolicy policy(String value) {
        try {
            return QueueFullPolicy.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidConfigException("worker-pool", "onQueueFull", value, "must be BLOCK or REJECT", "");
        }
    }
}
