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
     * @param service the service object
     * @param properties its properties
     */
    record Registered(List<String> classes, Object service, Dictionary<String, ?> properties) {
        Object property(String key) {
            return properties.get(key);
        }
    }

    /**
     * A bundle context whose only working methods are {@code registerService(String[], Object, Dictionary)}
     * and {@code getBundle()} (an active bundle).
     */
    static BundleContext context(List<Registered> registered) {
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
                    if (method.getName().equals("registerService") && args[0] instanceof String[]) {
                        @SuppressWarnings("unchecked")
                        Registered r = new Registered(List.of((String[]) args[0]), args[1],
                                (Dictionary<String, ?>) args[2]);
                        registered.add(r);
                        return registration(registered, r);
                    }
                    throw new UnsupportedOperationException(method.getName());
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
