package goflow.impl.osgi;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import goflow.api.pool.WorkerPool;
import goflow.api.schedule.Scheduler;
import goflow.api.schedule.SchedulerBuilder;

/**
 * A started scheduler per factory configuration {@value SchedulerConfig#PID}: registered with
 * {@code goflow.name}; the worker count of its own pool changes live; other changes recreate it;
 * deleting the configuration stops it (running jobs' contexts are cancelled) and closes it.
 *
 * <p>Thread-safe: DS serializes the lifecycle methods.
 */
@Component(configurationPid = SchedulerConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = SchedulerConfig.class, factory = true)
public final class SchedulerComponent {
    private final Configured<Scheduler> configured;
    private List<String> fixed;

    /**
     * Creates, starts and registers the scheduler.
     *
     * @param context this bundle's context
     * @param config the configuration
     * @param properties the configuration's properties (for the PID)
     * @param live the live registry
     */
    @Activate
    public SchedulerComponent(BundleContext context, SchedulerConfig config, Map<String, Object> properties,
            @Reference LiveRegistry live) {
        this.fixed = fixed(config, properties);
        this.configured = new Configured<>(context, properties, live,
                new Class<?>[] {Scheduler.class, Primitive.class}, build(config, name(config, properties)));
    }

    /**
     * Applies a changed configuration: the worker count live, anything else by recreating it.
     *
     * @param config the new configuration
     * @param properties its properties
     */
    @Modified
    public void modified(SchedulerConfig config, Map<String, Object> properties) {
        List<String> now = fixed(config, properties);
        Optional<WorkerPool> pool = ownPool();
        if (configured.primitive() == null || !now.equals(fixed) || pool.isEmpty()) {
            if (configured.rebuild(build(config, name(config, properties)))) {
                fixed = now;
            }
            return;
        }
        WorkerPool p = pool.get();
        int old = p.workers();
        configured.applyLive(List.of(new Configured.Change(() -> p.setWorkers(config.workers()), () -> p.setWorkers(old))));
    }

    /** Unregisters, stops and closes the scheduler. */
    @Deactivate
    public void deactivate() {
        configured.close();
    }

    /** The scheduler's own pool: the other worker pool in its GoFlow. */
    private Optional<WorkerPool> ownPool() {
        if (configured.goflow() == null) {
            return Optional.empty();
        }
        return configured.goflow().registry().primitives().stream().filter(WorkerPool.class::isInstance)
                .map(WorkerPool.class::cast).findFirst();
    }

    private static String name(SchedulerConfig config, Map<String, Object> properties) {
        return config.name().isEmpty() ? Configured.defaultName(properties) : config.name();
    }

    private static List<String> fixed(SchedulerConfig config, Map<String, Object> properties) {
        return List.of(name(config, properties), config.zone(), config.stopTimeout());
    }

    private static Function<GoFlow, Scheduler> build(SchedulerConfig config, String name) {
        return goflow -> {
            SchedulerBuilder b = goflow.scheduler().workers(config.workers());
            if (!config.zone().isBlank()) {
                b.zone(zone(config.zone()));
            }
            if (!config.stopTimeout().isBlank()) {
                b.stopTimeout(Configured.duration("scheduler", "stopTimeout", config.stopTimeout()));
            }
            Scheduler s = (name.isEmpty() ? b : b.name(name)).build();
            s.start();
            return s;
        };
    }

    static ZoneId zone(String value) {
        try {
            return ZoneId.of(value.trim());
        } catch (DateTimeException e) {
            throw new InvalidConfigException("scheduler", "zone", value, "must be a time zone id",
                    "for example UTC or Europe/Berlin");
        }
    }
}
