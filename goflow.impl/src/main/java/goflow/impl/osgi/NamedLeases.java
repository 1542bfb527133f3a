package goflow.impl.osgi;

import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.osgi.framework.Constants;

import goflow.api.schedule.Lease;
import goflow.api.schedule.LeaseException;
import goflow.api.schedule.LeaseProvider;

/**
 * The {@link LeaseProvider} a configured scheduler names ({@code leases=<name>}): at each call,
 * the registered LeaseProvider service with {@code goflow.lease.name=<name>} (the highest ranked
 * if several), so that the provider's bundle may come, go and come back without recreating the
 * scheduler. While none is registered, {@link #tryAcquire} throws {@link LeaseException} and the
 * scheduler skips the run (a once-per-cluster task never falls back to running on every node). A
 * lease whose provider service is gone (or was replaced) answers "lost" to {@link Lease#renew},
 * so the scheduler takes a new lease from the current provider.
 *
 * <p>Thread-safe: the services are read from a concurrent map.
 */
final class NamedLeases implements LeaseProvider {
    private static final Comparator<Map.Entry<Map<String, Object>, LeaseProvider>> BEST = Comparator
            .comparingInt((Map.Entry<Map<String, Object>, LeaseProvider> e) -> ranking(e.getKey())).reversed()
            .thenComparingLong(e -> serviceId(e.getKey()));

    private final String name;
    /** The registered LeaseProvider services and their properties; kept up to date by the component. */
    private final Map<LeaseProvider, Map<String, Object>> services;

    /**
     * Creates the provider.
     *
     * @param name the {@code goflow.lease.name} to look for
     * @param services the registered LeaseProvider services with their properties, a concurrent map
     *     the owner keeps up to date
     */
    NamedLeases(String name, Map<LeaseProvider, Map<String, Object>> services) {
        this.name = name;
        this.services = services;
    }

    /** Returns the registered provider named {@link #name}, or null. */
    private LeaseProvider current() {
        return services.entrySet().stream().map(e -> Map.entry(e.getValue(), e.getKey()))
                .filter(e -> name.equals(Plugins.oneName(e.getKey().get(LeaseProvider.NAME_PROPERTY)))).min(BEST)
                .map(Map.Entry::getValue).orElse(null);
    }

    private static int ranking(Map<String, Object> props) {
        return props.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
    }

    private static long serviceId(Map<String, Object> props) {
        return props.get(Constants.SERVICE_ID) instanceof Long l ? l : Long.MAX_VALUE;
    }

    @Override
    public Optional<Lease> tryAcquire(String lease, Duration ttl) {
        LeaseProvider p = current();
        if (p == null) {
            throw new LeaseException("no LeaseProvider service with " + LeaseProvider.NAME_PROPERTY + "=" + name
                    + " is registered (configure the bundle that provides it, e.g. goflow.redis)", null);
        }
        return p.tryAcquire(lease, ttl).map(l -> new FromService(p, l));
    }

    @Override
    public String describe() {
        LeaseProvider p = current();
        return "leases '" + name + "' (" + (p == null ? "no provider registered" : p.describe()) + ")";
    }

    /** A lease taken from one provider service: lost when that service is no longer the current one. */
    private final class FromService implements Lease {
        private final LeaseProvider from;
        private final Lease lease;

        FromService(LeaseProvider from, Lease lease) {
            this.from = from;
            this.lease = lease;
        }

        @Override
        public String name() {
            return lease.name();
        }

        @Override
        public long fencingToken() {
            return lease.fencingToken();
        }

        @Override
        public boolean renew(Duration ttl) {
            return Objects.equals(current(), from) && lease.renew(ttl);
        }

        @Override
        public void release() {
            lease.release();
        }
    }
}
