package goflow.impl.osgi;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.pool.WorkerPool;
import goflow.api.schedule.Scheduler;
import goflow.api.schedule.SchedulerBuilder;
import goflow.impl.GoFlowImpl;

/**
 * A started scheduler per factory configuration {@value SchedulerConfig#PID}: registered with
 * {@code goflow.name}; the worker count of its own pool ({@code <name>-pool}, whose name is held
 * like the scheduler's) changes live; other changes recreate it; deleting the configuration stops
 * it (running jobs' contexts are cancelled) and closes it.
 *
 * <p>Thread-safe: see {@link Configured}.
 */
@Component(configurationPid = SchedulerConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = SchedulerConfig.class, factory = true)
public final class SchedulerComponent extends ConfiguredComponent<SchedulerConfig, Scheduler> {
    static final Configured.Kind<SchedulerConfig, Scheduler> KIND = new Configured.Kind<>(SchedulerConfig.PID,
            "scheduler", SchedulerConfig.class, Scheduler.class, Primitive.class) {
        @Override
        String name(SchedulerConfig config) {
            return config.name();
        }

        @Override
        List<Object> fixed(SchedulerConfig config) {
            return List.of(config.zone(), config.stopTimeout());
        }

        @Override
        Scheduler build(GoFlow goflow, SchedulerConfig config, String name) {
            SchedulerBuilder b = goflow.scheduler().name(name).workers(config.workers());
            if (!config.zone().isBlank()) {
                b.zone(zone(config.zone()));
            }
            if (!config.stopTimeout().isBlank()) {
                b.stopTimeout(Configured.duration("scheduler", "stopTimeout", config.stopTimeout()));
            }
            Scheduler s = b.build();
            s.start();
            return s;
        }

        @Override
        List<Configured.Change> live(GoFlowImpl goflow, Scheduler s, SchedulerConfig config) {
            Optional<WorkerPool> pool = goflow.registry().primitives().stream().filter(WorkerPool.class::isInstance)
                    .map(WorkerPool.class::cast).findFirst();
            if (pool.isEmpty()) {
                return null;
            }
            WorkerPool p = pool.get();
            int old = p.workers();
            return List.of(new Configured.Change(() -> p.setWorkers(config.workers()), () -> p.setWorkers(old)));
        }
    };

    /**
     * Creates, starts and registers the scheduler (or logs why the configuration is rejected).
     *
     * @param context this bundle's context
     * @param properties the configuration's properties
     * @param live the live registry
     */
    @Activate
    public SchedulerComponent(BundleContext context, Map<String, Object> properties, @Reference LiveRegistry live) {
        super(Configured.start(context, properties, live, null, KIND));
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
