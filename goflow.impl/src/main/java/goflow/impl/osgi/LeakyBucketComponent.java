package goflow.impl.osgi;

import java.util.List;
import java.util.Map;
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
import goflow.api.Primitive;
import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.RateLimiter;

/**
 * A leaky bucket per factory configuration {@value LeakyBucketConfig#PID}: registered with
 * {@code goflow.name}; leak rate and capacity change live; a new name recreates it; deleting the
 * configuration closes it.
 *
 * <p>Thread-safe: DS serializes the lifecycle methods.
 */
@Component(configurationPid = LeakyBucketConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = LeakyBucketConfig.class, factory = true)
public final class LeakyBucketComponent {
    private final Configured<LeakyBucket> configured;
    private String name;

    /**
     * Creates and registers the bucket.
     *
     * @param context this bundle's context
     * @param config the configuration
     * @param properties the configuration's properties (for the PID)
     * @param live the live registry
     */
    @Activate
    public LeakyBucketComponent(BundleContext context, LeakyBucketConfig config, Map<String, Object> properties,
            @Reference LiveRegistry live) {
        this.name = name(config, properties);
        this.configured = new Configured<>(context, properties, live,
                new Class<?>[] {LeakyBucket.class, RateLimiter.class, Primitive.class}, build(config, name));
    }

    /**
     * Applies a changed configuration: leak rate and capacity live, a new name by recreating it.
     *
     * @param config the new configuration
     * @param properties its properties
     */
    @Modified
    public void modified(LeakyBucketConfig config, Map<String, Object> properties) {
        String newName = name(config, properties);
        if (configured.primitive() == null || !newName.equals(name)) {
            if (configured.rebuild(build(config, newName))) {
                name = newName;
            }
            return;
        }
        LeakyBucket l = configured.primitive();
        double oldRate = l.rate().eventsPerSecond();
        long oldCapacity = l.capacity();
        configured.applyLive(List.of(
                new Configured.Change(() -> l.setRate(config.leakRate()), () -> l.setRate(oldRate)),
                new Configured.Change(() -> l.setCapacity(config.capacity()), () -> l.setCapacity(oldCapacity))));
    }

    /** Unregisters and closes the bucket. */
    @Deactivate
    public void deactivate() {
        configured.close();
    }

    private static String name(LeakyBucketConfig config, Map<String, Object> properties) {
        return config.name().isEmpty() ? Configured.defaultName(properties) : config.name();
    }

    private static Function<GoFlow, LeakyBucket> build(LeakyBucketConfig config, String name) {
        return goflow -> {
            var b = goflow.leakyBucket().leakRate(config.leakRate()).capacity(config.capacity());
            return (name.isEmpty() ? b : b.name(name)).build();
        };
    }
}
