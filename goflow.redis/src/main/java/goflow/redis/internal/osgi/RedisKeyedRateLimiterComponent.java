package goflow.redis.internal.osgi;

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
import goflow.api.ratelimit.KeyedRateLimiter;
import goflow.redis.RedisConnection;
import goflow.redis.RedisKeyedRateLimiter;
import goflow.redis.RedisKeyedRateLimiterBuilder;

/**
 * A fleet-wide keyed rate limiter per factory configuration {@value RedisKeyedRateLimiterConfig#PID},
 * on the {@link RedisConnection} service: registered as a {@link KeyedRateLimiter} (keys are
 * turned into bucket names with {@code String.valueOf}) with {@code goflow.name}, and listed in this
 * bundle's {@link GoFlow} (so {@code goflow:stats}, {@code goflow:redis}, JMX, {@code /metrics} and the
 * dashboard show it). Rate and burst change live for the whole fleet; any other change recreates
 * it, which loses nothing (its buckets are in Redis). An invalid configuration is logged naming the
 * property; the last valid one stays in effect.
 *
 * <p>Thread-safe: see {@link ConfiguredLimiter}.
 */
@Component(configurationPid = RedisKeyedRateLimiterConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = RedisKeyedRateLimiterConfig.class, factory = true)
public final class RedisKeyedRateLimiterComponent {
    private static final String COMPONENT = "redis-keyed-rate-limiter";

    private final ConfiguredLimiter<RedisKeyedRateLimiterConfig, RedisKeyedRateLimiter<Object>> configured;

    /**
     * Builds the limiter and registers it (or logs why the configuration is rejected).
     *
     * @param context this bundle's context
     * @param config the configuration
     * @param properties the raw properties (for the configuration's name)
     * @param redis the connection
     * @param goflow this bundle's GoFlow, which lists the limiter
     */
    @Activate
    public RedisKeyedRateLimiterComponent(BundleContext context, RedisKeyedRateLimiterConfig config,
            Map<String, Object> properties, @Reference RedisConnection redis, @Reference GoFlow goflow) {
        String pid = String.valueOf(properties.get("service.pid"));
        // sets every value on a builder, which checks each as it is set; building it claims the name
        Function<RedisKeyedRateLimiterConfig, RedisKeyedRateLimiterBuilder> configure = c -> {
            String name = c.name().isEmpty() ? ConfigValues.defaultName(pid, COMPONENT) : c.name();
            RedisKeyedRateLimiterBuilder b = redis.keyedRateLimiter().name(name).rate(c.rate())
                    .burst(c.burst()).failurePolicy(ConfigValues.policy(COMPONENT, c.failurePolicy()))
                    .localShare(c.localShare()).maxKeys(c.maxKeys())
                    .idleTimeout(ConfigValues.duration(COMPONENT, "idleTimeout", c.idleTimeout()));
            ConfigValues.localLease(COMPONENT, c.localLeaseTokens(), c.localLeaseMaxAge(), b::localLease);
            return b;
        };
        this.configured = new ConfiguredLimiter<>(context, goflow, pid, RedisKeyedRateLimiterConfig.PID,
                KeyedRateLimiter.class, RedisKeyedRateLimiterConfig.class, COMPONENT,
                c -> configure.apply(c).build(String::valueOf), configure::apply,
                c -> List.of(c.name(), c.failurePolicy(), c.localShare(), c.maxKeys(), c.idleTimeout(),
                        c.localLeaseTokens(), c.localLeaseMaxAge()), (l, c) -> {
            // both values are checked (by a builder that is not built) before either is written for
            // the fleet: a rejected burst must not leave the new rate applied
            redis.keyedRateLimiter().rate(c.rate()).burst(c.burst());
            l.setRate(c.rate());
            l.setBurst(c.burst());
        });
        configured.apply(config, properties);
    }

    /**
     * Applies a changed configuration: a new rate and burst live for the whole fleet, any other
     * change by building the limiter again.
     *
     * @param config the new configuration
     * @param properties its raw properties
     */
    @Modified
    public void modified(RedisKeyedRateLimiterConfig config, Map<String, Object> properties) {
        configured.apply(config, properties);
    }

    /** Unregisters and closes the limiter (its state stays in Redis for the other nodes). */
    @Deactivate
    public void deactivate() {
        configured.close();
    }
}
