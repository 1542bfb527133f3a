package goflow.impl.osgi;

import java.time.Duration;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import goflow.api.Clock;
import goflow.api.GoFlow;
import goflow.api.Registration;
import goflow.impl.GoFlowImpl;

/**
 * Registers the bundle-scoped {@link GoFlow} service: each consumer bundle gets its own
 * {@link GoFlowImpl} whose owner is the bundle's symbolic name, listed in the {@link LiveRegistry},
 * with the stage and stream source plugin services in its {@code stages()} and
 * {@code streamSources()} (see {@link Plugins});
 * when the bundle ungets the service (or stops), its {@code GoFlow} is closed, and with it every
 * primitive and thread it created, within a bounded time (see {@link BoundedClose}): accepted
 * tasks get a grace period, set by the framework or system property
 * {@value BoundedClose#GRACE_PROPERTY} (an ISO-8601 duration, 10 seconds by default); work that
 * still does not stop after it and an interrupt is abandoned and logged, so the bundle's stop (and
 * the framework's) always goes on.
 *
 * <p>The service object is a {@link ServiceFactory} registered by this component rather than the
 * component itself, so that consumers get the real {@code GoFlowImpl} (every factory method the
 * API grows) instead of a delegate that would have to follow the API by hand.
 *
 * <p>Thread-safe: the framework serializes get/unget per bundle; the state is set in the
 * constructor and cleared once by {@link #deactivate()}.
 */
@Component(immediate = true, service = {})
public final class GoFlowServiceFactory implements ServiceFactory<GoFlow> {
    private static final System.Logger LOG = System.getLogger(GoFlowServiceFactory.class.getName());

    private final LiveRegistry live;
    private final Plugins plugins;
    private final ServiceRegistration<GoFlow> registration;
    /** How long a consumer's accepted tasks get when it stops, from {@value BoundedClose#GRACE_PROPERTY}. */
    private final Duration grace;
    /** Each handed-out instance's listing in {@code live}; identity-keyed. */
    private final Map<GoFlow, Registration> listed = Collections.synchronizedMap(new IdentityHashMap<>());

    /**
     * Registers the service.
     *
     * @param context this bundle's context
     * @param live the framework-wide registry every consumer's primitives are listed in
     * @param plugins the stage and stream source plugin services, bound into each consumer's GoFlow
     */
    @Activate
    public GoFlowServiceFactory(BundleContext context, @Reference LiveRegistry live, @Reference Plugins plugins) {
        this.live = live;
        this.plugins = plugins;
        this.grace = BoundedClose.grace(context.getProperty(BoundedClose.GRACE_PROPERTY));
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("service.description", "goflow: creates rate limiters, pools, schedulers and pipelines");
        props.put("service.vendor", "goflow");
        this.registration = context.registerService(GoFlow.class, this, props);
    }

    @Override
    public GoFlow getService(Bundle bundle, ServiceRegistration<GoFlow> reg) {
        GoFlowImpl goflow = new GoFlowImpl(Clock.system(), owner(bundle));
        Registration listing = live.add(goflow.registry());
        Registration attached = plugins.attach(goflow.stages(), goflow.streamSources());
        listed.put(goflow, () -> {
            attached.close();
            listing.close();
        });
        return goflow;
    }

    @Override
    public void ungetService(Bundle bundle, ServiceRegistration<GoFlow> reg, GoFlow service) {
        try {
            BoundedClose.close((GoFlowImpl) service, grace);
        } finally {
            Registration listing = listed.remove(service);
            if (listing != null) {
                listing.close();
            }
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "closed the goflow of bundle " + owner(bundle));
    }

    /** Unregisters the service: every consumer's {@code GoFlow} is closed through {@link #ungetService}. */
    @Deactivate
    public void deactivate() {
        registration.unregister();
    }

    private static String owner(Bundle bundle) {
        String bsn = bundle.getSymbolicName();
        return bsn != null ? bsn : "bundle-" + bundle.getBundleId();
    }
}
