package goflow.impl.osgi;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import goflow.api.Clock;
import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.Registration;
import goflow.impl.GoFlowImpl;

/**
 * The life of one primitive created from a factory configuration: its own {@link GoFlowImpl}
 * (owner: the configuration's PID) listed in the {@link LiveRegistry}, the primitive, and its
 * service registration with {@code goflow.name}. Building, registering and closing happen in one
 * place for every kind. A rejected configuration is logged naming the property and leaves nothing
 * behind: no primitive, no thread, no service. The component itself stays active (DS would not
 * retry a failed activation), so a corrected configuration is applied through {@code @Modified}.
 *
 * <p>Thread-safe: DS serializes activate, modified and deactivate of one component; the fields
 * are written only there.
 *
 * @param <P> the primitive's type
 */
final class Configured<P extends Primitive> {
    /** The service property every configured primitive is registered with. */
    static final String NAME_PROPERTY = "goflow.name";
    private static final System.Logger LOG = System.getLogger(Configured.class.getName());

    private final BundleContext context;
    private final String pid;
    private final String factoryPid;
    private final LiveRegistry live;
    private final String[] services;
    /** Bound into the primitive's GoFlow when not null (pipelines use stage plugins). */
    private final Plugins plugins;
    /** The current primitive's GoFlow, primitive and registrations; replaced by {@link #rebuild}. */
    private GoFlowImpl goflow;
    private Registration listing;
    private Registration attached;
    private P primitive;
    private ServiceRegistration<?> registration;
    /** Builds from the last configuration that was in effect (valid), or null if none was. */
    private Function<GoFlow, P> inEffect;

    /** Builds the primitive and registers it; if the configuration is invalid, logs why and registers nothing. */
    Configured(BundleContext context, Map<String, Object> properties, LiveRegistry live, Class<?>[] services,
            Function<GoFlow, P> build) {
        this(context, properties, live, null, services, build);
    }

    /** As above, with the stage and stream source plugins bound into the primitive's GoFlow. */
    Configured(BundleContext context, Map<String, Object> properties, LiveRegistry live, Plugins plugins,
            Class<?>[] services, Function<GoFlow, P> build) {
        this.context = context;
        this.plugins = plugins;
        this.pid = String.valueOf(properties.get("service.pid"));
        this.factoryPid = String.valueOf(properties.get("service.factoryPid"));
        this.live = live;
        this.services = new String[services.length];
        for (int i = 0; i < services.length; i++) {
            this.services[i] = services[i].getName();
        }
        create(build);
    }

    /**
     * Returns the default name of a primitive configured by {@code properties}: the name of a named
     * factory configuration ({@code <factoryPid>~<name>}), else empty (generated).
     */
    static String defaultName(Map<String, Object> properties) {
        String pid = String.valueOf(properties.get("service.pid"));
        int tilde = pid.indexOf('~');
        return tilde >= 0 ? pid.substring(tilde + 1) : "";
    }

    /** Returns the primitive, or null while the configuration is rejected. */
    P primitive() {
        return primitive;
    }

    String pid() {
        return pid;
    }

    /** Returns the GoFlow that holds the primitive (and its helpers, such as a scheduler's pool), or null. */
    GoFlowImpl goflow() {
        return goflow;
    }

    private boolean create(Function<GoFlow, P> build) {
        try {
            tryCreate(build);
            inEffect = build;
            return true;
        } catch (InvalidConfigException e) {
            rejected(e);
            return false;
        }
    }

    private void tryCreate(Function<GoFlow, P> build) {
        GoFlowImpl g = new GoFlowImpl(Clock.system(), pid);
        Registration l = live.add(g.registry());
        Registration a = plugins == null ? Registration.NONE : plugins.attach(g.stages(), g.streamSources());
        P p;
        try {
            p = build.apply(g);
        } catch (RuntimeException | Error e) {
            g.close();
            a.close();
            l.close();
            throw e;
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(NAME_PROPERTY, p.name());
        props.put("goflow.kind", p.kind().label());
        props.put("goflow.config.pid", pid);
        goflow = g;
        listing = l;
        attached = a;
        primitive = p;
        registration = context.registerService(services, p, props);
        LOG.log(System.Logger.Level.INFO, () -> "configuration " + pid + " created " + p.kind().label() + " '"
                + p.name() + "'");
    }

    /**
     * Replaces the primitive with one built from a new configuration, for changes that cannot be
     * live: the old one is closed (a pool completes its accepted tasks), then the new one built. If
     * the new configuration is rejected, the previous one is built again, so the last valid
     * configuration stays in effect.
     *
     * @param build builds from the new configuration
     * @return true if the new configuration is in effect
     */
    boolean rebuild(Function<GoFlow, P> build) {
        Function<GoFlow, P> previous = inEffect;
        close();
        if (create(build)) {
            return true;
        }
        if (previous != null) {
            create(previous);
        }
        return false;
    }

    /**
     * Applies live changes in order; if one is rejected, the ones already applied are undone (the
     * primitive is as it was) and the rejection is logged naming the property.
     *
     * @param changes each change with its undo
     */
    void applyLive(List<Change> changes) {
        List<Change> done = new ArrayList<>();
        try {
            for (Change c : changes) {
                c.apply.run();
                done.add(c);
            }
        } catch (InvalidConfigException e) {
            for (int i = done.size() - 1; i >= 0; i--) {
                done.get(i).undo.run();
            }
            rejected(e);
            return;
        }
        LOG.log(System.Logger.Level.INFO, () -> "configuration " + pid + " updated " + primitive.kind().label()
                + " '" + primitive.name() + "' live");
    }

    /** Unregisters the service and closes the primitive (a pool completes its accepted tasks first). */
    void close() {
        ServiceRegistration<?> r = registration;
        registration = null;
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        }
        if (goflow != null) {
            BoundedClose.close(goflow, BoundedClose.GRACE);
            attached.close();
            listing.close();
            goflow = null;
            primitive = null;
        }
    }

    /**
     * Parses a duration property.
     *
     * @param component the kind, for the error
     * @param field the property
     * @param value an ISO-8601 duration such as {@code PT5S}
     * @return the duration
     * @throws InvalidConfigException naming the property if the value is not a duration
     */
    static java.time.Duration duration(String component, String field, String value) {
        try {
            return java.time.Duration.parse(value.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidConfigException(component, field, value, "must be an ISO-8601 duration",
                    "for example PT5S or PT0.5S; empty for none");
        }
    }

    private void rejected(InvalidConfigException e) {
        LOG.log(System.Logger.Level.ERROR, "goflow: configuration " + pid + " (factory " + factoryPid
                + ") rejected: property '" + e.field() + "' = " + e.value() + " " + e.rule()
                + (e.hint() == null || e.hint().isEmpty() ? "" : " (" + e.hint() + ")"));
    }

    /**
     * One live change and how to undo it.
     *
     * @param apply makes the change; throws {@link InvalidConfigException} if the value is invalid
     * @param undo restores the previous value
     */
    record Change(Runnable apply, Runnable undo) { }
}
