package goflow.redis.internal.osgi;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.Registration;

/**
 * The life of one fleet-wide limiter made from a configuration, the same for each of goflow.redis's
 * limiter PIDs: built, listed in the bundle's {@link GoFlow}, registered as a service with
 * {@code goflow.name}; a change of only the live settings (rate, burst) is applied in place for the
 * whole fleet; any other change closes it and builds it again (its state is in Redis, so nothing is
 * lost), as does any change to a limiter that a user of its service closed (logged as a WARNING,
 * never thrown to DS); a rejected configuration (found before the limiter in effect is closed,
 * except a name another limiter of the connection holds, found by building: then the limiter of
 * the last valid configuration is built again) is logged at ERROR naming the property, the value
 * and the rule, and the last valid one stays in effect.
 *
 * <p>Thread-safe: every method is synchronized (DS serializes them anyway).
 *
 * @param <C> the configuration type
 * @param <L> the limiter type
 */
final class ConfiguredLimiter<C, L extends Primitive> {
    /** The logger of {@link ConfigValues#rejected}, so that every outcome of a configuration is in one place. */
    private static final System.Logger LOG = System.getLogger(ConfigValues.class.getName());
    private final BundleContext context;
    private final GoFlow goflow;
    private final String pid;
    private final String factoryPid;
    private final Class<? super L> service;
    private final Class<C> configType;
    private final String component;
    private final Function<C, L> build;
    private final Consumer<C> check;
    private final Function<C, List<Object>> fixed;
    private final BiConsumer<L, C> live;

    /** The configuration in effect and what it made; null/NONE when nothing is. Guarded by this. */
    private C inEffect;
    private L limiter;
    private Registration listing = Registration.NONE;
    private ServiceRegistration<?> registration;

    /**
     * @param configType the component property type
     * @param component the kind named in errors
     * @param build builds the limiter of a configuration (throws InvalidConfigException)
     * @param check checks a configuration as {@code build} would, without building (no effect; throws
     *     InvalidConfigException), before the limiter in effect is closed
     * @param fixed the settings that cannot change live
     * @param live applies the live settings (throws InvalidConfigException)
     */
    ConfiguredLimiter(BundleContext context, GoFlow goflow, String pid, String factoryPid, Class<? super L> service,
            Class<C> configType, String component, Function<C, L> build, Consumer<C> check,
            Function<C, List<Object>> fixed, BiConsumer<L, C> live) {
        this.context = context;
        this.goflow = goflow;
        this.pid = pid;
        this.factoryPid = factoryPid;
        this.service = service;
        this.configType = configType;
        this.component = component;
        this.build = build;
        this.check = check;
        this.fixed = fixed;
        this.live = live;
    }

    /** Returns the limiter in effect, or null. */
    synchronized L limiter() {
        return limiter;
    }

    /**
     * Applies a new or changed configuration; never throws (see the class comment).
     *
     * @param config the configuration as DS converted it
     * @param properties its raw properties
     */
    synchronized void apply(C config, Map<String, Object> properties) {
        try {
            ConfigValues.checkTypes(component, configType, config, properties);
        } catch (InvalidConfigException e) {
            ConfigValues.rejected(pid, factoryPid, e);
            return;
        }
        if (limiter != null && Objects.equals(fixed.apply(inEffect), fixed.apply(config))) {
            try {
                live.accept(limiter, config);
                inEffect = config;
                return;
            } catch (InvalidConfigException e) {
                ConfigValues.rejected(pid, factoryPid, e);
                return;
            } catch (RuntimeException e) {
                // not a refused value: the limiter cannot take changes (a user of its service closed it)
                LOG.log(System.Logger.Level.WARNING, "goflow: configuration " + pid + " (factory " + factoryPid
                        + "): its " + component + " '" + limiter.name() + "' could not be updated live (" + e
                        + "); it is recreated");
            }
        }
        try {
            check.accept(config); // a rejected change leaves the limiter in effect, and its users, undisturbed
        } catch (InvalidConfigException e) {
            ConfigValues.rejected(pid, factoryPid, e);
            return;
        }
        C previous = limiter != null ? inEffect : null;
        close();
        try {
            make(config);
        } catch (InvalidConfigException e) {
            ConfigValues.rejected(pid, factoryPid, e);
            if (previous != null) {
                make(previous); // valid before: its limiter again, with its state from Redis
            }
        }
    }

    private void make(C config) {
        L l = build.apply(config);
        try {
            listing = goflow.register(l);
            registration = context.registerService(service.getName(), l, ConfigValues.serviceProperties(l, pid));
        } catch (RuntimeException | Error e) {
            listing.close();
            listing = Registration.NONE;
            l.close();
            throw e;
        }
        limiter = l;
        inEffect = config;
    }

    /** Unregisters and closes the limiter in effect, if any (its state stays in Redis for the other nodes). */
    synchronized void close() {
        ConfigValues.unregister(registration);
        registration = null;
        listing.close();
        listing = Registration.NONE;
        if (limiter != null) {
            limiter.close();
            limiter = null;
        }
        inEffect = null;
    }
}
