package goflow.impl.osgi;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** Stand-ins for the OSGi objects the configuration components use, so they run on a plain JVM. */
final class Fakes {
    private Fakes() {
    }

    /**
     * One service registered through a {@link #context} (removed from its list when unregistered).
     *
     * @param classes the interfaces
     * @param service the service object; for a {@link org.osgi.framework.ServiceFactory}, the one it
     *     gave a bundle named {@code test}
     * @param properties its properties
     * @param factory the service factory registered, or null
     */
    record Registered(List<String> classes, Object service, Dictionary<String, ?> properties,
            org.osgi.framework.ServiceFactory<?> factory) {
        Object property(String key) {
            return properties.get(key);
        }
    }

    /**
     * A bundle context whose only working methods are {@code registerService(String[], Object, Dictionary)}
     * and {@code getBundle()} (an active bundle).
     */
    static BundleContext context(List<Registered> registered) {
        return context(registered, Map.of());
    }

    /**
     * A bundle context that records service registrations and answers {@code getProperty} from
     * {@code frameworkProperties} (framework properties, such as {@code goflow.stop.grace}).
     */
    static BundleContext context(List<Registered> registered, Map<String, String> frameworkProperties) {
        Bundle bundle = (Bundle) Proxy.newProxyInstance(Fakes.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getState")) {
                        return Bundle.ACTIVE;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return (BundleContext) Proxy.newProxyInstance(Fakes.class.getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getBundle") && args == null) {
                        return bundle;
                    }
                    if (method.getName().equals("getProperty")) {
                        return frameworkProperties.get((String) args[0]);
                    }
                    if (method.getName().equals("registerService") && args[0] instanceof String[]) {
                        @SuppressWarnings("unchecked")
                        org.osgi.framework.ServiceFactory<Object> factory = args[1]
                                instanceof org.osgi.framework.ServiceFactory<?> f
                                ? (org.osgi.framework.ServiceFactory<Object>) f : null;
                        @SuppressWarnings("unchecked")
                        Dictionary<String, ?> properties = (Dictionary<String, ?>) args[2];
                        Registered r = new Registered(List.of((String[]) args[0]),
                                factory == null ? args[1] : factory.getService(bundle("test"), null), properties,
                                factory);
                        registered.add(r);
                        return registration(registered, r);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /**
     * The service object {@code bundle} gets for a registered service: from its
     * {@link org.osgi.framework.ServiceFactory} if it is one (as the framework asks it, once per
     * bundle), else the service itself.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object get(Registered r, String bundle) {
        if (r.factory() != null) {
            return ((org.osgi.framework.ServiceFactory) r.factory()).getService(bundle(bundle), null);
        }
        return r.service();
    }

    /** Gives back what {@link #get} gave {@code bundle}, as the framework does when the bundle stops. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void unget(Registered r, String bundle, Object service) {
        if (r.factory() != null) {
            ((org.osgi.framework.ServiceFactory) r.factory()).ungetService(bundle(bundle), null, service);
        }
    }

    /** A bundle that answers only its symbolic name. */
    static Bundle bundle(String symbolicName) {
        return (Bundle) Proxy.newProxyInstance(Fakes.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getSymbolicName":
                            return symbolicName;
                        case "hashCode":
                            return symbolicName.hashCode();
                        case "equals":
                            return proxy == args[0];
                        case "toString":
                            return symbolicName;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    static List<Registered> registrations() {
        return new CopyOnWriteArrayList<>();
    }

    private static ServiceRegistration<?> registration(List<Registered> registered, Registered r) {
        return (ServiceRegistration<?>) Proxy.newProxyInstance(Fakes.class.getClassLoader(),
                new Class<?>[] {ServiceRegistration.class}, (proxy, method, args) -> {
                    if (method.getName().equals("unregister")) {
                        if (!registered.remove(r)) {
                            throw new IllegalStateException("already unregistered");
                        }
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /**
     * The properties DS passes for a named factory configuration.
     *
     * @param factoryPid the factory PID
     * @param name the configuration's name
     * @param kv the configuration's own properties: key, value, key, value...
     */
    static Map<String, Object> props(String factoryPid, String name, Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("service.pid", factoryPid + "~" + name);
        m.put("service.factoryPid", factoryPid);
        m.put("component.name", "goflow.impl.osgi.Component");
        m.put("component.id", 7L);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
