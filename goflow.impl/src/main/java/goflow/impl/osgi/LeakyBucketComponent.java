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
import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.RateLimiter;
import goflow.impl.GoFlowImpl;

/**
 * A leaky bucket per factory configuration {@value LeakyBucketConfig#PID}: registered with
 * {@code goflow.name}; leak rate and capacity change live; a new name recreates it; deleting the
 * configuration closes it.
 *
 * <p>Thread-safe: see {@link Configured}.
 */
@Component(configurationPid = LeakyBucketConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = LeakyBucketConfig.class, factory = true)
public final class LeakyBucketComponent extends ConfiguredComponent<LeakyBucketConfig, LeakyBucket> {
    static final Configured.Kind<LeakyBucketConfig, LeakyBucket> KIND = new Configured.Kind<>(LeakyBucketConfig.PID,
            "leaky-bucket", LeakyBucketConfig.class, LeakyBucket.class, RateLimiter.class, Primitive.class) {
        @Override
        String name(LeakyBucketConfig config) {
            return config.name();
        }

        @Override
        List<Object> fixed(LeakyBucketConfig config) {
            return List.of();
        }

        @Override
        void check(LeakyBucketConfig config) {
            dryRun(config); // a rejected change leaves the limiter in effect, and its users, undisturbed
        }

        @Override
        LeakyBucket build(GoFlow goflow, LeakyBucketConfig config, String name) {
            return goflow.leakyBucket().name(name).leakRate(config.leakRate()).capacity(config.capacity()).build();
        }

        @Override
        List<Configured.Change> live(GoFlowImpl goflow, LeakyBucket l, LeakyBucketConfig config) {
            double oldRate = l.rate().eventsPerSecond();
            long oldCapacity = l.capacity();
            return List.of(new Configured.Change(() -> l.setRate(config.leakRate()), () -> l.setRate(oldRate)),
                    new Configured.Change(() -> l.setCapacity(config.capacity()), () -> l.setCapacity(oldCapacity)));
        }
    };

    /**
     * Creates and registers the bucket (or logs why the configuration is rejected).
     *
     * @param context this bundle's context
     * @param properties the configuration's properties
     * @param live the live registry
     */
    @Activate
    public LeakyBucketComponent(BundleContext context, Map<String, Object> properties, @Reference LiveRegistry live) {
        super(Configured.start(context, properties, live, null, KIND));
    }
}
