package goflow.redis.internal.osgi;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Locale;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Registration;
import goflow.api.ratelimit.RateLimiter;
import goflow.redis.FailurePolicy;
import goflow.redis.RedisConnection;
import goflow.redis.RedisRateLimiter;

/**
 * A fleet-wide token bucket per factory configuration {@value RedisTokenBucketConfig#PID}, on the
 * {@link RedisConnection} service: registered as a {@link RateLimiter} with {@code goflow.name}
 * and listed in this bundle's {@link GoFlow} (so {@code goflow:stats}, JMX, {@code /metrics} and
 * the dashboard show it). Rate and burst change live for the whole fleet; any other change
 * recreates it, which loses nothing (its state is in Redis). An invalid configuration is logged
 * naming the property and makes nothing.
 *
 * <p>Thread-safe: changes are serialized by Declarative Services; the limiter is final.
 */
@Component(configurationPid = RedisTokenBucketConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = RedisTokenBucketConfig.class, factory = true)
public final class RedisTokenBucketComponent {
    private static final System.Logger LOG = System.getLogger(RedisTokenBucketComponent.class.getName());

    private final String pid;
    private final RedisRateLimiter limiter;
    private final Registration listing;
    private final ServiceRegistration<?> registration;

    /**
     * Builds the limiter and registers it.
     *
     * @param context this bundle's context
     * @param config the configuration
     * @param properties the raw properties (for the configuration's name)
     * @param redis the connection
     * @param goflow this bundle's GoFlow, which lists the limiter
     */
    @Activate
    public RedisTokenBucketComponent(BundleContext context, RedisTokenBucketConfig config, Map<String, Object> properties,
            @Reference RedisConnection redis, @Reference GoFlow goflow) {
        this.pid = String.valueOf(properties.get("service.pid"));
        RedisRateLimiter l = null;
        Registration listed = Registration.NONE;
        ServiceRegistration<?> reg = null;
        try {
            String name = config.name().isEmpty() ? defaultName(pid) : config.name();
            l = redis.rateLimiter().name(name).rate(config.rate()).burst(config.burst())
                    .failurePolicy(policy(config.failurePolicy())).localShare(config.localShare()).build();
            listed = goflow.register(l);
            Dictionary<String, Object> props = new Hashtable<>();
            props.put("goflow.name", name);
            props.put("goflow.kind", l.kind().label());
            props.put("goflow.config.pid", pid);
            reg = context.registerService(RateLimiter.class, l, props);
        } catch (InvalidConfigException e) {
            listed.close();
            if (l != null) {
                l.close();
                l = null;
            }
            LOG.log(System.Logger.Level.ERROR, "goflow: configuration " + pid + " (factory " + RedisTokenBucketConfig.PID
                    + ") rejected: property '" + e.field() + "' = " + e.value() + " " + e.rule());
        }
        this.limiter = l;
        this.listing = listed;
        this.registration = reg;
    }

    static String defaultName(String pid) {
        int tilde = pid.indexOf('~');
        return tilde >= 0 && tilde < pid.length() - 1 ? pid.substring(tilde + 1) : "redis-token-bucket";
    }

    static FailurePolicy policy(String value) {
        try {
            return FailurePolicy.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidConfigException("redis-token-bucket", "failurePolicy", value,
                    "must be FAIL_CLOSED, FAIL_OPEN or LOCAL", "what allow() decides while Redis cannot answer");
        }
    }

    /**
     * Applies a new rate and burst for the whole fleet; any other change makes DS recreate the
     * component.
     *
     * @param config the new configuration
     */
    @Modified
    public void modified(RedisTokenBucketConfig config) {
        if (limiter == null) {
            return;
        }
        try {
            limiter.setRate(config.rate());
            limiter.setBurst(config.burst());
        } catch (InvalidConfigException e) {
            LOG.log(System.Logger.Level.ERROR, "goflow: configuration " + pid + " (factory " + RedisTokenBucketConfig.PID
                    + ") rejected: property '" + e.field() + "' = " + e.value() + " " + e.rule());
        }
    }

    /** Unregisters and closes the limiter (its state stays in Redis for the other nodes). */
    @Deactivate
    public void deactivate() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        }
        listing.close();
        if (limiter != null) {
            limiter.close();
        }
    }
}
