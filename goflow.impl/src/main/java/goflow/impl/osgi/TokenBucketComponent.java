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
import goflow.api.ratelimit.RateLimiter;

/**
 * A token bucket per factory configuration {@value TokenBucketConfig#PID}: registered as a
 * {@link RateLimiter} service with {@code goflow.name}; rate and burst change live; a new name
 * recreates it; deleting the configuration closes it.
 *
 * <p>Thread-safe: DS serializes the lifecycle methods.
 */
@Component(configurationPid = TokenBucketConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = TokenBucketConfig.class, factory = true)
public final class TokenBucketComponent {
    private final Configured<RateLimiter> configured;
    private String name;

    /**
     * Creates and registers the limiter.
     *
     * @param context this bundle's context
     * @param config the configuration
     * @param properties the configuration's properties (for the PID)
     * @param live the live registry
     */
    @Activate
    public TokenBucketComponent(BundleContext context, TokenBucketConfig config, Map<String, Object> properties,
            @Reference LiveRegistry live) {
        this.name = name(config, properties);
        this.configured = new Configured<>(context, properties, live,
                new Class<?>[] {RateLimiter.class, Primitive.class}, build(config, name));
    }

    /**
     * Applies a changed configuration: rate and burst live, a new name by recreating the limiter.
     *
     * @param config the new configuration
     * @param properties its properties
     */
    @Modified
    public void modified(TokenBucketConfig config, Map<String, Object> properties) {
        String newName = name(config, properties);
        if (configured.primitive() == null || !newName.equals(name)) {
            if (configured.rebuild(build(config, newName))) {
                name = newName;
            }
            return;
        }
        RateLimiter l = configured.primitive();
        double oldRate = l.rate().eventsPerSecond();
        long oldBurst = l.burst();
        configured.applyLive(List.of(
                new Configured.Change(() -> l.setRate(config.rate()), () -> l.setRate(oldRate)),
                new Configured.Change(() -> l.setBurst(config.burst()), () -> l.setBurst(oldBurst))));
    }

    /** Unregisters and closes the limiter. */
    @Deactivate
    public void deactivate() {
        configured.close();
    }

    private static String name(TokenBucketConfig config, Map<String, Object> properties) {
        return config.name().isEmpty() ? Configured.defaultName(properties) : config.name();
    }

    private static Function<GoFlow, RateLimiter> build(TokenBucketConfig config, String name) {
        return goflow -> {
            var b = goflow.tokenBucket().rate(config.rate()).burst(config.burst());
            return (name.isEmpty() ? b : b.name(name)).build();
        };
    }
}
