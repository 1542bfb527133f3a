package goflow.impl.osgi;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.pool.QueueFullPolicy;
import goflow.api.pool.WorkerPool;

/**
 * A worker pool per factory configuration {@value WorkerPoolConfig#PID}: registered with
 * {@code goflow.name}; the worker count changes live; any other change recreates the pool (the old
 * one completes its accepted tasks first); deleting the configuration shuts it down gracefully.
 *
 * <p>Thread-safe: DS serializes the lifecycle methods.
 */
@Component(configurationPid = WorkerPoolConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = WorkerPoolConfig.class, factory = true)
public final class WorkerPoolComponent {
    private final Configured<WorkerPool> configured;
    /** The settings that cannot change live, as last built. */
    private Fixed fixed;

    /**
     * Creates and registers the pool.
     *
     * @param context this bundle's context
     * @param config the configuration
     * @param properties the configuration's properties (for the PID)
     * @param live the live registry
     */
    @Activate
    public WorkerPoolComponent(BundleContext context, WorkerPoolConfig config, Map<String, Object> properties,
            @Reference LiveRegistry live) {
        this.fixed = new Fixed(config, properties);
        this.configured = new Configured<>(context, properties, live,
                new Class<?>[] {WorkerPool.class, Executor.class, Primitive.class}, build(config, fixed.name));
    }

    /**
     * Applies a changed configuration: the worker count live, anything else by recreating the pool.
     *
     * @param config the new configuration
     * @param properties its properties
     */
    @Modified
    public void modified(WorkerPoolConfig config, Map<String, Object> properties) {
        Fixed now = new Fixed(config, properties);
        if (configured.primitive() == null || !now.equals(fixed)) {
            if (configured.rebuild(build(config, now.name))) {
                fixed = now;
            }
            return;
        }
        WorkerPool p = configured.primitive();
        int oldWorkers = p.workers();
        configured.applyLive(List.of(
                new Configured.Change(() -> p.setWorkers(config.workers()), () -> p.setWorkers(oldWorkers))));
    }

    /** Unregisters the pool, then shuts it down: accepted tasks complete. */
    @Deactivate
    public void deactivate() {
        configured.close();
    }

    private static Function<GoFlow, WorkerPool> build(WorkerPoolConfig config, String name) {
        return goflow -> {
            var b = goflow.workerPool().workers(config.workers()).queueCapacity(config.queueCapacity())
                    .onQueueFull(policy(config.onQueueFull())).virtualThreads(config.virtualThreads());
            Duration timeout = timeout(config.taskTimeout());
            if (!timeout.isZero()) {
                b.taskTimeout(timeout);
            }
            return (name.isEmpty() ? b : b.name(name)).build();
        };
    }

    static Duration timeout(String value) {
        if (value == null || value.isBlank()) {
            return Duration.ZERO;
        }
        return Configured.duration("worker-pool", "taskTimeout", value);
    }

    static QueueFullPolicy policy(String value) {
        try {
            return QueueFullPolicy.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidConfigException("worker-pool", "onQueueFull", value, "must be BLOCK or REJECT", "");
        }
    }

    /** The settings of a pool that cannot change live. */
    private static final class Fixed {
        final String name;
        final int queueCapacity;
        final String taskTimeout;
        final String onQueueFull;
        final boolean virtualThreads;

        Fixed(WorkerPoolConfig config, Map<String, Object> properties) {
            name = config.name().isEmpty() ? Configured.defaultName(properties) : config.name();
            queueCapacity = config.queueCapacity();
            taskTimeout = config.taskTimeout();
            onQueueFull = config.onQueueFull();
            virtualThreads = config.virtualThreads();
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Fixed)) {
                return false;
            }
            Fixed f = (Fixed) o;
            return name.equals(f.name) && queueCapacity == f.queueCapacity && taskTimeout.equals(f.taskTimeout)
                    && onQueueFull.equals(f.onQueueFull) && virtualThreads == f.virtualThreads;
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }
    }
}
