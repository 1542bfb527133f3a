package goflow.redis.internal.osgi;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.InvalidConfigException;
import goflow.api.schedule.LeaseProvider;
import goflow.redis.RedisConnection;
import goflow.redis.RedisConnectionBuilder;

/**
 * The Redis connection of configuration {@value RedisConnection#PID}, registered as a
 * {@link RedisConnection} service and its {@link LeaseProvider} ({@code goflow.lease.name=redis}).
 * A change recreates it (the new connection is built first, then the old one's services are
 * unregistered and it is closed, with the limiters built on it); an invalid configuration is logged
 * naming the property and makes nothing: an invalid update leaves the connection in effect, and
 * what is built on it, as it was. The password is never logged. No configuration, no connection:
 * the container runs without Redis.
 *
 * <p>Thread-safe: DS serializes activation, {@link #modified} and {@link #deactivate()}; the
 * connection and its registrations are guarded by this object's monitor.
 */
@Component(configurationPid = RedisConnection.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = RedisConnectionConfig.class)
public final class RedisConnectionComponent {
    private static final System.Logger LOG = System.getLogger(RedisConnectionComponent.class.getName());
    /** The live connection, for the shell command. */
    static volatile RedisConnection current;

    private final BundleContext context;
    /** The connection in effect and its registrations; null when there is none. Guarded by this. */
    private RedisConnection connection;
    private ServiceRegistration<?> asConnection;
    private ServiceRegistration<?> asLeases;

    /**
     * Connects (lazily: the pool opens connections on demand) and registers the services.
     *
     * @param context this bundle's context
     * @param config the configuration
     * @param properties the raw properties
     */
    @Activate
    public RedisConnectionComponent(BundleContext context, RedisConnectionConfig config, Map<String, Object> properties) {
        this.context = context;
        apply(config, properties);
    }

    /**
     * Applies a changed configuration: a valid one replaces the connection (as a new activation
     * would); an invalid one is logged and leaves the connection in effect as it was.
     *
     * @param config the new configuration
     * @param properties its raw properties
     */
    @Modified
    public void modified(RedisConnectionConfig config, Map<String, Object> properties) {
        apply(config, properties);
    }

    private synchronized void apply(RedisConnectionConfig config, Map<String, Object> properties) {
        RedisConnection c;
        try {
            ConfigValues.checkTypes("redis", RedisConnectionConfig.class, config, properties);
            RedisConnectionBuilder b = RedisConnection.builder().name("redis").uri(config.uri())
                    .timeout(ConfigValues.duration("redis", "timeout", config.timeout()))
                    .reconnectInterval(ConfigValues.duration("redis", "reconnectInterval", config.reconnectInterval()))
                    .poolSize(config.poolSize());
            if (!config.user().isEmpty()) {
                b.user(config.user());
            }
            if (!config.password().isEmpty()) {
                b.password(config.password().toCharArray());
            }
            c = b.build();
        } catch (InvalidConfigException e) {
            LOG.log(System.Logger.Level.ERROR, "goflow: configuration " + RedisConnection.PID + " rejected: property '"
                    + e.field() + "' = " + ("password".equals(e.field()) ? "***" : e.value()) + " " + e.rule());
            return; // the connection in effect, if any, goes on
        }
        close();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("goflow.redis.name", c.name());
        asConnection = context.registerService(RedisConnection.class, c, props);
        Dictionary<String, Object> leaseProps = new Hashtable<>();
        leaseProps.put(LeaseProvider.NAME_PROPERTY, "redis");
        asLeases = context.registerService(LeaseProvider.class, c.leases(), leaseProps);
        connection = c;
        current = c;
        LOG.log(System.Logger.Level.INFO, "goflow: redis connection to " + c.endpoint());
    }

    /** Unregisters the services and closes the connection (and the limiters built on it). */
    @Deactivate
    public synchronized void deactivate() {
        close();
    }

    private void close() {
        if (connection == null) {
            return;
        }
        if (current == connection) {
            current = null;
        }
        for (ServiceRegistration<?> r : new ServiceRegistration<?>[] {asLeases, asConnection}) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        }
        connection.close();
        connection = null;
        asConnection = null;
        asLeases = null;
    }
}
