package goflow.impl.osgi;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.Clock;
import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.pool.WorkerPool;
import goflow.api.pool.WorkerPoolBuilder;
import goflow.api.schedule.LeaseProvider;
import goflow.api.schedule.Scheduler;
import goflow.api.schedule.SchedulerBuilder;
import goflow.impl.GoFlowImpl;

/**
 * A started scheduler per factory configuration {@value SchedulerConfig#PID}: registered with
 * {@code goflow.name}; the worker count of its own pool ({@code <name>-pool}, whose name is held
 * like the scheduler's) changes live; other changes recreate it, and a change that is rejected
 * leaves the scheduler in effect and its jobs as they were (its values are checked by a builder
 * that is not built); deleting the configuration stops it (running jobs' contexts are cancelled)
 * and closes it.
 *
 * <p>The service is a {@link BundleSchedulers}: each bundle gets a view of the scheduler, and the
 * tasks a bundle scheduled are cancelled when it ungets the service (or stops).
 *
 * <p>With {@code leases=<name>}, every task of the scheduler runs once per cluster on the leases of
 * the LeaseProvider service registered with {@code goflow.lease.name=<name>} (goflow.redis
 * registers {@code redis}), followed dynamically: while none is registered, runs are skipped.
 *
 * <p>Thread-safe: see {@link Configured}; the lease services are a concurrent map DS updates.
 */
@Component(configurationPid = SchedulerConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = SchedulerConfig.class, factory = true)
public final class SchedulerComponent extends ConfiguredComponent<SchedulerConfig, Scheduler> {
    /** The kind, for the checks that need no lease provider (see {@link FactoryPidCheck}). */
    static final Configured.Kind<SchedulerConfig, Scheduler> KIND = kind(name -> null);

    /**
     * The registered LeaseProvider services and their properties, kept by DS's dynamic reference
     * (a provider coming or going does not recreate the schedulers); read by {@link NamedLeases}.
     */
    private final Map<LeaseProvider, Map<String, Object>> leaseServices;

    /**
     * The scheduler kind.
     *
     * @param leases the lease provider of a {@code leases} name; null when there is none
     */
    static Configured.Kind<SchedulerConfig, Scheduler> kind(Function<String, LeaseProvider> leases) {
        return new Configured.Kind<>(SchedulerConfig.PID, "scheduler", SchedulerConfig.class, Scheduler.class,
                Primitive.class) {
            @Override
            String name(SchedulerConfig config) {
                return config.name();
            }

            @Override
            List<Object> fixed(SchedulerConfig config) {
                return List.of(config.zone(), config.stopTimeout(), config.leases().trim(), config.leaseTtl());
            }

            @Override
            Object service(Scheduler scheduler) {
                return new BundleSchedulers(scheduler); // a bundle's tasks end when it ungets the service
            }

            @Override
            List<String> helperNames(String name) {
                return List.of(name + "-pool"); // its own pool, started once
            }

            @Override
            void check(SchedulerConfig config) {
                // the builder checks each value as it is set; it is not built (that starts threads)
                GoFlowImpl scratch = new GoFlowImpl(Clock.system(), SchedulerConfig.PID + " check");
                try {
                    configure(scratch, config, "check");
                } finally {
                    scratch.close();
                }
            }

            @Override
            Scheduler build(GoFlow goflow, SchedulerConfig config, String name) {
                Scheduler s = configure(goflow, config, name).build();
                s.start();
                return s;
            }

            private SchedulerBuilder configure(GoFlow goflow, SchedulerConfig config, String name) {
                SchedulerBuilder b = goflow.scheduler().name(name).workers(workers(config.workers()));
                if (!config.zone().isBlank()) {
                    b.zone(zone(config.zone()));
                }
                if (!config.stopTimeout().isBlank()) {
                    b.stopTimeout(Configured.duration("scheduler", "stopTimeout", config.stopTimeout(),
                            "the default"));
                }
                String leaseName = config.leases().trim();
                if (!leaseName.isEmpty()) {
                    LeaseProvider provider = leases.apply(leaseName);
                    if (provider == null) {
                        throw new InvalidConfigException("scheduler", "leases", leaseName,
                                "cannot be used here: no lease provider lookup", "");
                    }
                    b.oncePerCluster(provider, Configured.duration("scheduler", "leaseTtl", config.leaseTtl(), null));
                }
                return b;
            }

            @Override
            List<Configured.Change> live(GoFlowImpl goflow, Scheduler s, SchedulerConfig config) {
                Optional<WorkerPool> pool = goflow.registry().primitives().stream()
                        .filter(WorkerPool.class::isInstance).map(WorkerPool.class::cast).findFirst();
                if (pool.isEmpty()) {
                    return null;
                }
                WorkerPool p = pool.get();
                int old = p.workers();
                return List.of(new Configured.Change(() -> p.setWorkers(workers(config.workers())),
                        () -> p.setWorkers(old)));
            }
        };
    }

    /**
     * Creates, starts and registers the scheduler (or logs why the configuration is rejected).
     *
     * @param context this bundle's context
     * @param properties the configuration's properties
     * @param live the live registry
     */
    @Activate
    public SchedulerComponent(BundleContext context, Map<String, Object> properties, @Reference LiveRegistry live) {
        this(context, properties, live, new ConcurrentHashMap<>());
    }

    private SchedulerComponent(BundleContext context, Map<String, Object> properties, LiveRegistry live,
            Map<LeaseProvider, Map<String, Object>> leaseServices) {
        super(Configured.start(context, properties, live, null,
                kind(name -> new NamedLeases(name, leaseServices))));
        this.leaseServices = leaseServices;
    }

    /**
     * A LeaseProvider service is registered (or DS binds one present at activation).
     *
     * @param provider the service
     * @param properties its properties ({@code goflow.lease.name})
     */
    @Reference(service = LeaseProvider.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "removeLeaseProvider", updated = "updatedLeaseProvider")
    public void addLeaseProvider(LeaseProvider provider, Map<String, Object> properties) {
        leaseServices.put(provider, Map.copyOf(properties));
    }

    /**
     * A LeaseProvider service's properties changed.
     *
     * @param provider the service
     * @param properties its new properties
     */
    public void updatedLeaseProvider(LeaseProvider provider, Map<String, Object> properties) {
        leaseServices.put(provider, Map.copyOf(properties));
    }

    /**
     * A LeaseProvider service is unregistered: schedulers that named it skip their runs until one is
     * registered again.
     *
     * @param provider the service
     */
    public void removeLeaseProvider(LeaseProvider provider) {
        leaseServices.remove(provider);
    }

    /**
     * Checks the {@code workers} property, live as when the scheduler is built, with the rule of the
     * configuration (the builder's and the pool's name remedies that a configuration does not have).
     */
    static int workers(int value) {
        if (value < 1 || value > WorkerPoolBuilder.DEFAULT_MAX_WORKERS) {
            throw new InvalidConfigException("scheduler", "workers", value,
                    "must be from 1 to " + WorkerPoolBuilder.DEFAULT_MAX_WORKERS,
                    "the threads of the scheduler's own pool");
        }
        return value;
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
