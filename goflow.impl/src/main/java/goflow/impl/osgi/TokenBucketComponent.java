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
import goflow.api.ratelimit.RateLimiter;
import goflow.impl.GoFlowImpl;

/**
 * A token bucket per factory configuration {@value TokenBucketConfig#PID}: registered as a
 * {@link RateLimiter} service with {@code goflow.name}; rate and burst change live; a new name
 * recreates it; deleting the configuration closes it. The configuration is read from the raw
 * properties by {@link Configured} ({@link TokenBucketConfig} describes it, for Metatype).
 *
 * <p>Thread-safe: see {@link Configured}.
 */
@Component(configurationPid = TokenBucketConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = TokenBucketConfig.class, factory = true)
public final class TokenBucketComponent extends ConfiguredComponent<TokenBucketConfig, RateLimiter> {
    static final Configured.Kind<TokenBucketConfig, RateLimiter> KIND = new Configured.Kind<>(TokenBucketConfig.PID,
            "token-bucket", TokenBucketConfig.class, RateLimiter.class, Primitive.class) {
        @Override
        String name(TokenBucketConfig config) {
            return config.name();
        }

        @Override
        List<Object> fixed(TokenBucketConfig config) {
            return List.of();
        }

        @Override
        void check(TokenBucketConfig config) {
            dryRun(config); // a rejected change leaves the limiter in effect, and its users, undisturbed
        }

        @Override
        RateLimiter build(GoFlow goflow, TokenBucketConfig config, String name) {
            return goflow.tokenBucket().name(name).rate(config.rate()).burst(config.burst()).build();
        }

        @Override
        List<Configured.Change> live(GoFlowImpl goflow, RateLimiter l, TokenBucketConfig config) {
            double oldRate = l.rate().eventsPerSecond();
            long oldBurst = l.burst();
            return List.of(new Configured.Change(() -> l.setRate(config.rate()), () -> l.setRate(oldRate)),
                    new Configured.Change(() -> l.setBurst(config.burst()), () -> l.setBurst(oldBurst)));
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
    public TokenBucketComponent(BundleContext context, Map<String, Object> properties, @Reference LiveRegistry live) {
        super(Configured.start(context, properties, live, null, KIND));
    }
}
