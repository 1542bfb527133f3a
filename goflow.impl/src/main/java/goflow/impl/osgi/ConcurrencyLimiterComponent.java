package goflow.impl.osgi;

import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.GoFlow;
import goflow.api.Primitive;
import goflow.api.ratelimit.ConcurrencyGate;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.impl.GoFlowImpl;

/**
 * A concurrency limiter per factory configuration {@value ConcurrencyLimiterConfig#PID}:
 * registered with {@code goflow.name} as a {@link ConcurrencyLimiter} and a {@link ConcurrencyGate}
 * (as an adaptive limiter is); capacity changes live; a new name or fairness recreates it;
 * deleting the configuration closes it.
 *
 * <p>Thread-safe: see {@link Configured}.
 */
@Component(configurationPid = ConcurrencyLimiterConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = ConcurrencyLimiterConfig.class, factory = true)
public final class ConcurrencyLimiterComponent extends ConfiguredComponent<ConcurrencyLimiterConfig, ConcurrencyLimiter> {
    static final Configured.Kind<ConcurrencyLimiterConfig, ConcurrencyLimiter> KIND = new Configured.Kind<>(
            ConcurrencyLimiterConfig.PID, "concurrency-limiter", ConcurrencyLimiterConfig.class,
            ConcurrencyLimiter.class, ConcurrencyGate.class, Primitive.class) {
        @Override
        String name(ConcurrencyLimiterConfig config) {
            return config.name();
        }

        @Override
        List<Object> fixed(ConcurrencyLimiterConfig config) {
            return List.of(config.fair());
        }

        @Override
        void check(ConcurrencyLimiterConfig config) {
            dryRun(config); // a rejected change leaves the limiter in effect, and its users, undisturbed
        }

        @Override
        ConcurrencyLimiter build(GoFlow goflow, ConcurrencyLimiterConfig config, String name) {
            return goflow.concurrencyLimiter().name(name).capacity(config.capacity()).fair(config.fair()).build();
        }

        @Override
        List<Configured.Change> live(GoFlowImpl goflow, ConcurrencyLimiter l, ConcurrencyLimiterConfig config) {
            int oldCapacity = l.capacity();
            return List.of(new Configured.Change(() -> l.setCapacity(config.capacity()),
                    () -> l.setCapacity(oldCapacity)));
        }
    };

    /**
     * Creates and registers the limiter (or logs why the configuration is rejected).
     *
     * @param context this bundle's context
     * @param properties the configuration's properties
     * @param live the live registry
     */
    @Activate
    public ConcurrencyLimiterComponent(BundleContext context, Map<String, Object> properties,
            @Reference LiveRegistry live) {
        super(Configured.start(context, properties, live, null, KIND));
    }
}
