package goflow.impl.osgi;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

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

    /** A bundle context whose only working method is {@code registerService(String[], Object, Dictionary)}. */
    static BundleContext context(List<Registered> registered) {
        return (BundleContext) Proxy.newProxyInstance(Fakes.class.getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
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
     * An instance of a component property type: each element from {@code values}, else its default.
     */
    static <A> A config(Class<A> type, Map<String, Object> values) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName())
                        : method.getDefaultValue()));
    }

    /** The properties DS passes for a named factory configuration. */
    static Map<String, Object> props(String factoryPid, String name) {
        return Map.of("service.pid", factoryPid + "~" + name, "service.factoryPid", factoryPid);
    }
}
