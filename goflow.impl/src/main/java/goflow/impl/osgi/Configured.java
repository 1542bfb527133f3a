package goflow.impl.osgi;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.Registration;
import goflow.impl.GoFlowImpl;
import goflow.impl.internal.Check;

/**
 * The life of one primitive made from a configuration, the same for every kind: the configuration
 * is read with the kind's {@link ConfigReader} (not by DS, whose conversion errors would fail the
 * component's activation), its name claimed framework-wide ({@link ConfiguredNames}), the
 * primitive built in its own {@link GoFlowImpl} (owner: the configuration's PID) listed in the
 * {@link LiveRegistry}, and registered as a service with {@code goflow.name}.
 *
 * <p>Every outcome of an update is logged (logger {@code goflow.impl.osgi.Configured}); nothing is
 * thrown to DS, so the component stays active and a corrected configuration is applied:
 * <ul>
 * <li>a rejected configuration (a value of the wrong type, a value the primitive refuses, a name
 * another configuration holds) is logged at ERROR naming the property, the value and the rule;
 * it leaves nothing behind (no primitive, no thread, no service) and the last valid
 * configuration stays in effect;</li>
 * <li>a configuration refused for its name is applied when that name is released;</li>
 * <li>unknown keys get a WARNING naming the nearest known key (a plain configuration whose PID
 * is the factory PID is warned about by {@link FactoryPidCheck}).</li>
 * </ul>
 *
 * <p>Thread-safe: DS calls {@link #update} and {@link #close} (serialized for one component), and
 * a retry may come from the thread that released a name; all state below is guarded by this
 * object's monitor. Retries that become due are run after the monitor is released, so no thread
 * holds two configurations' monitors.
 *
 * @param <C> the configuration's component property type
 * @param <P> the primitive's type
 */
final class Configured<C extends Annotation, P extends Primitive> {
    /** The service property every configured primitive is registered with. */
    static final String NAME_PROPERTY = "goflow.name";
    private static final System.Logger LOG = System.getLogger(Configured.class.getName());

    private final BundleContext context;
    /** How long the primitive's accepted work gets when it is closed ({@value BoundedClose#GRACE_PROPERTY}). */
    private final java.time.Duration grace;
    private final String pid;
    private final LiveRegistry live;
    private final ConfiguredNames names;
    /** Bound into the primitive's GoFlow when not null (pipelines use stage plugins). */
    private final Plugins plugins;
    private final Kind<C, P> kind;

    /** Set by {@link #close}; then nothing more is built. Guarded by this. */
    private boolean closed;
    /** The properties of the last update, applied again when the name they wait for is freed. Guarded by this. */
    private Map<String, Object> latest;
    /** The configuration of the primitive in effect, and the name it asked for; null when there is none. Guarded by this. */
    private C inEffect;
    private String requested;
    /** The name generated for this configuration when it names none, kept across rebuilds. Guarded by this. */
    private String generated;
    /** The primitive in effect, its GoFlow, listings, service and claimed names; null/empty when none. Guarded by this. */
    private GoFlowImpl goflow;
    private Registration listing;
    private Registration attached;
    private P primitive;
    private ServiceRegistration<?> registration;
    private List<String> claimed = List.of();

    private Configured(BundleContext context, Map<String, Object> properties, LiveRegistry live, Plugins plugins,
            Kind<C, P> kind) {
        this.context = context;
        this.grace = BoundedClose.configuredGrace(context.getProperty(BoundedClose.GRACE_PROPERTY));
        this.pid = String.valueOf(properties.get("service.pid"));
        this.live = live;
        this.names = live.configuredNames();
        this.plugins = plugins;
        this.kind = kind;
    }

    /**
     * Starts managing a configuration and applies it.
     *
     * @param <C> the configuration type
     * @param <P> the primitive type
     * @param context the bundle context to register the service with
     * @param properties the configuration's properties as DS passes them
     * @param live the live registry
     * @param plugins the plugins to bind into the primitive's GoFlow, or null
     * @param kind the kind
     * @return the managed configuration
     */
    static <C extends Annotation, P extends Primitive> Configured<C, P> start(BundleContext context,
            Map<String, Object> properties, LiveRegistry live, Plugins plugins, Kind<C, P> kind) {
        Configured<C, P> c = new Configured<>(context, properties, live, plugins, kind);
        c.update(properties);
        return c;
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

    /** Returns the primitive, or null while no configuration is in effect. */
    synchronized P primitive() {
        return primitive;
    }

    String pid() {
        return pid;
    }

    /**
     * Applies a new or changed configuration: live where the kind allows it and only live
     * settings changed, else by replacing the primitive (the old one is closed first: a pool
     * completes its accepted tasks). A primitive that cannot take a live change for another reason
     * than a refused value (a user of its service closed it) is replaced too, with a WARNING.
     * Never throws: see the class comment.
     *
     * @param properties the configuration's properties as DS passes them
     */
    void update(Map<String, Object> properties) {
        synchronized (this) {
            if (!closed) {
                warn(properties);
                names.forget(pid);
                latest = new HashMap<>(properties);
                apply(latest);
            }
        }
        names.runDue();
    }

    /** Unregisters the service and closes the primitive (a pool completes its accepted tasks first). */
    void close() {
        synchronized (this) {
            closed = true;
            names.forget(pid);
            closePrimitive();
        }
        names.runDue();
    }

    /** Applies the last configuration again, now that the name it waited for is free. */
    private void retry() {
        synchronized (this) {
            if (!closed && latest != null && !stopping()) {
                LOG.log(System.Logger.Level.INFO, () -> "goflow: configuration " + pid + " retried: a name it waited for is free");
                apply(latest);
            }
        }
    }

    private boolean stopping() {
        try {
            return context.getBundle().getState() == Bundle.STOPPING;
        } catch (IllegalStateException invalidContext) {
            return true;
        }
    }

    private void warn(Map<String, Object> properties) {
        for (String unknown : kind.reader.unknownKeys(properties)) {
            LOG.log(System.Logger.Level.WARNING, "goflow: configuration " + pid + " (factory " + kind.factoryPid
                    + "): " + unknown);
        }
    }

    private void apply(Map<String, Object> properties) {
        C config;
        try {
            config = kind.reader.read(properties);
        } catch (InvalidConfigException e) {
            rejected(e);
            return;
        }
        String wanted = kind.name(config).isEmpty() ? defaultName(properties) : kind.name(config);
        if (primitive != null && wanted.equals(requested) && kind.fixed(config).equals(kind.fixed(inEffect))) {
            try {
                List<Change> changes = kind.live(goflow, primitive, config);
                if (changes != null) {
                    if (applyLive(changes)) {
                        inEffect = config;
                    }
                    return;
                }
            } catch (RuntimeException e) {
                // not a refused value: the primitive cannot take changes (a user of its service closed it)
                LOG.log(System.Logger.Level.WARNING, "goflow: configuration " + pid + " (factory " + kind.factoryPid
                        + "): its " + kind.label + " '" + primitive.name() + "' could not be updated live (" + e
                        + "); it is recreated");
            }
        }
        // the names the new primitive takes: those the primitive in effect holds too are kept
        // while it is replaced, so that no configuration waiting for them is retried (or takes one)
        List<String> keep = new ArrayList<>();
        try {
            kind.check(config);
            if (!wanted.isEmpty()) {
                // a new name that is invalid or held by another configuration (which this one then
                // waits for), or whose helpers' names are held, is refused here too; a claimed name
                // is kept by tryCreate, or released by it if the build fails
                names.claim(kind.label, Check.name(kind.label, wanted), pid, this::retry);
                List<String> claimedNow = new ArrayList<>(List.of(wanted));
                try {
                    for (String helper : kind.helperNames(wanted)) {
                        names.claim(kind.label, helper, pid, this::retry);
                        claimedNow.add(helper);
                    }
                } catch (InvalidConfigException e) {
                    // keeps what the primitive in effect holds
                    claimedNow.stream().filter(n -> !claimed.contains(n)).forEach(n -> names.release(n, pid));
                    throw e;
                }
                keep.addAll(claimedNow);
            } else if (generated != null) {
                keep.add(generated); // taken again by tryCreate, as names.generate prefers it
                keep.addAll(kind.helperNames(generated));
            }
        } catch (InvalidConfigException e) {
            rejected(e); // found before the primitive in effect is closed: it goes on undisturbed
            return;
        }
        C previous = inEffect;
        String previousName = requested;
        closePrimitive(keep);
        if (!create(config, wanted) && previous != null) {
            create(previous, previousName);
        }
    }

    private boolean create(C config, String wanted) {
        try {
            tryCreate(config, wanted);
            inEffect = config;
            requested = wanted;
            return true;
        } catch (InvalidConfigException e) {
            rejected(e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "goflow: configuration " + pid + " (factory " + kind.factoryPid
                    + ") failed: could not create its " + kind.label, e);
        }
        return false;
    }

    private void tryCreate(C config, String wanted) {
        List<String> held = new ArrayList<>();
        String name;
        if (wanted.isEmpty()) {
            name = names.generate(kind.label, pid, generated);
            generated = name;
        } else {
            name = Check.name(kind.label, wanted);
            names.claim(kind.label, name, pid, this::retry);
        }
        held.add(name);
        GoFlowImpl g = null;
        try {
            for (String helper : kind.helperNames(name)) {
                names.claim(kind.label, helper, pid, this::retry);
                held.add(helper);
            }
        } catch (InvalidConfigException e) {
            held.forEach(n -> names.release(n, pid));
            throw e;
        }
        Registration l = Registration.NONE;
        Registration a = Registration.NONE;
        try {
            g = new GoFlowImpl(Clock.system(), pid);
            l = live.add(g.registry());
            a = plugins == null ? Registration.NONE : plugins.attach(g.stages(), g.streamSources());
            P p = kind.build(g, config, name);
            for (Primitive helper : g.registry().primitives()) {
                if (!held.contains(helper.name())) {
                    names.claim(kind.label, helper.name(), pid, this::retry);
                    held.add(helper.name());
                }
            }
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(NAME_PROPERTY, p.name());
            props.put("goflow.kind", p.kind().label());
            props.put("goflow.config.pid", pid);
            registration = context.registerService(kind.services, kind.service(p), props);
            goflow = g;
            listing = l;
            attached = a;
            primitive = p;
            claimed = held;
        } catch (RuntimeException | Error e) {
            if (g != null) {
                g.close();
            }
            a.close();
            l.close();
            held.forEach(n -> names.release(n, pid));
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, () -> "goflow: configuration " + pid + " created " + kind.label + " '"
                + name + "'");
    }

    /**
     * Applies live changes in order; if one is rejected, the ones already applied are undone (the
     * primitive is as it was) and the rejection is logged naming the property.
     *
     * @throws RuntimeException if a change fails otherwise (the primitive was closed): the ones
     *     already applied are undone as far as the primitive lets them, and it is to be replaced
     */
    private boolean applyLive(List<Change> changes) {
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
            return false;
        } catch (RuntimeException e) {
            for (int i = done.size() - 1; i >= 0; i--) {
                try {
                    done.get(i).undo.run();
                } catch (RuntimeException alsoFailed) {
                    e.addSuppressed(alsoFailed);
                }
            }
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, () -> "goflow: configuration " + pid + " updated " + kind.label + " '"
                + primitive.name() + "' live");
        return true;
    }

    private void closePrimitive() {
        closePrimitive(List.of());
    }

    /**
     * Closes the primitive in effect and releases its names, except those in {@code keep} (held on
     * for the primitive that replaces it, which claims them again; released by {@link #tryCreate} if
     * that fails).
     */
    private void closePrimitive(List<String> keep) {
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
            BoundedClose.close(goflow, grace);
            attached.close();
            listing.close();
            goflow = null;
            primitive = null;
        }
        claimed.stream().filter(n -> !keep.contains(n)).forEach(n -> names.release(n, pid));
        claimed = List.of();
        inEffect = null;
        requested = null;
    }

    /**
     * Parses a duration property.
     *
     * @param component the kind, for the error
     * @param field the property
     * @param value an ISO-8601 duration such as {@code PT5S}
     * @param empty what an empty value means for the property, for the hint (e.g. {@code none}),
     *     or null if it needs a duration (the caller reads an empty value itself before this)
     * @return the duration
     * @throws InvalidConfigException naming the property if the value is not a duration
     */
    static java.time.Duration duration(String component, String field, String value, String empty) {
        try {
            return java.time.Duration.parse(value.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidConfigException(component, field, value, "must be an ISO-8601 duration",
                    "for example PT5S or PT0.5S" + (empty == null ? "" : "; empty for " + empty));
        }
    }

    private void rejected(InvalidConfigException e) {
        LOG.log(System.Logger.Level.ERROR, "goflow: configuration " + pid + " (factory " + kind.factoryPid
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

    /**
     * What differs between the kinds of configured primitive. Implementations are stateless.
     *
     * @param <C> the configuration's component property type
     * @param <P> the primitive's type
     */
    abstract static class Kind<C extends Annotation, P extends Primitive> {
        final String factoryPid;
        final String label;
        final ConfigReader<C> reader;
        final String[] services;

        /**
         * Describes a kind.
         *
         * @param factoryPid its factory PID
         * @param label its kind label, used in messages
         * @param type its component property type (the one its Metatype is generated from)
         * @param services the interfaces its service is registered under
         */
        Kind(String factoryPid, String label, Class<C> type, Class<?>... services) {
            this.factoryPid = factoryPid;
            this.label = label;
            this.reader = new ConfigReader<>(type, label);
            this.services = new String[services.length];
            for (int i = 0; i < services.length; i++) {
                this.services[i] = services[i].getName();
            }
        }

        /** Returns the {@code name} property; empty for the default. */
        abstract String name(C config);

        /** Returns the settings that cannot change live (compared with equals); a change rebuilds. */
        abstract List<Object> fixed(C config);

        /** Builds (and starts) the primitive named {@code name} in {@code goflow}. */
        abstract P build(GoFlow goflow, C config, String name);

        /**
         * Returns the service object to register for {@code primitive}: by default the primitive,
         * shared by every bundle.
         */
        Object service(P primitive) {
            return primitive;
        }

        /**
         * Returns the names of the helper primitives {@link #build} makes besides the one named
         * {@code name} (a scheduler's own pool), claimed before it builds, so that a name held
         * elsewhere is refused before the primitive in effect is closed. By default none; a helper
         * not listed here is claimed after the build.
         */
        List<String> helperNames(String name) {
            return List.of();
        }

        /**
         * Checks a configuration that needs a new primitive before the one in effect is closed, so that
         * a configuration rejected here leaves it undisturbed (instead of closed and recreated from the
         * last valid configuration, which loses its state). By default nothing: {@link #build} checks.
         *
         * @throws InvalidConfigException if the configuration cannot make a primitive
         */
        void check(C config) {
        }

        /**
         * Checks a configuration by building it in a scratch {@code GoFlow} that is closed at once:
         * the {@link #check} of a kind whose primitive has no thread and no outside effect.
         *
         * @throws InvalidConfigException if the configuration cannot make a primitive
         */
        final void dryRun(C config) {
            GoFlowImpl scratch = new GoFlowImpl(Clock.system(), factoryPid + " check");
            try {
                build(scratch, config, "check");
            } finally {
                scratch.close();
            }
        }

        /**
         * Returns the live changes that bring {@code primitive} to {@code config} (whose fixed
         * settings are those in effect), or null if they cannot be made live. By default none.
         */
        List<Change> live(GoFlowImpl goflow, P primitive, C config) {
            return List.of();
        }

        /**
         * Returns no live changes, for a kind whose every setting is fixed: an update whose fixed
         * settings and name are those in effect changes nothing, and leaves the primitive to its
         * users; unless a user of its service closed it, which is then recreated.
         *
         * @throws ClosedException if {@code primitive} was closed (it left its registry)
         */
        final List<Change> none(GoFlowImpl goflow, P primitive) {
            if (goflow.registry().find(primitive.name()).orElse(null) != primitive) {
                throw new ClosedException(label + " '" + primitive.name() + "' is closed");
            }
            return List.of();
        }
    }
}
