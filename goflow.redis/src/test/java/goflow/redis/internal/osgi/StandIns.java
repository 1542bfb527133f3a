package goflow.redis.internal.osgi;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Stand-ins for what a framework and Declarative Services hand a component, for the components'
 * unit tests: a bundle context that records the services registered (and forgets them when
 * unregistered), and a configuration of the given values. Stateless.
 */
final class StandIns {
    private StandIns() {
    }

    /**
     * A bundle context whose {@code registerService} (by class or class name) adds the service to
     * {@code registered}, and whose registrations' {@code unregister} removes it; any other call
     * is unsupported.
     */
    static BundleContext context(List<Object> registered) {
        ClassLoader loader = StandIns.class.getClassLoader();
        return (BundleContext) Proxy.newProxyInstance(loader, new Class<?>[] {BundleContext.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("registerService")) {
                        Object service = args[1];
                        registered.add(service);
                        return Proxy.newProxyInstance(loader, new Class<?>[] {ServiceRegistration.class},
                                (p, rm, rargs) -> {
                                    if (rm.getName().equals("unregister")) {
                                        registered.remove(service);
                                        return null;
                                    }
                                    throw new UnsupportedOperationException(rm.getName());
                                });
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    /** A configuration of {@code type} as DS hands it over: the given values, else the defaults. */
    static <C> C config(Class<C> type, Map<String, Object> values) {
        return type.cast(Proxy.newProxyInstance(StandIns.class.getClassLoader(), new Class<?>[] {type},
                (proxy, m, args) -> values.containsKey(m.getName()) ? values.get(m.getName()) : m.getDefaultValue()));
    }
}
