package goflow.api.schedule;

import java.time.Duration;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Hands out {@link Lease leases}: named, time-limited, exclusive claims shared by every node of a
 * fleet, kept by a store all of them reach (goflow.redis keeps them in Redis). A
 * {@link Scheduler} task that is {@link TaskBuilder#oncePerCluster once per cluster} takes its
 * lease before each run, so that of N schedulers running the same task on N nodes, one runs it.
 *
 * <p>The contract an implementation keeps:
 * <ul>
 * <li>at most one holder at a time: {@link #tryAcquire} succeeds only when nobody holds the lease
 * (it was never taken, was released, or its time to live ran out without a renewal);</li>
 * <li>every successful acquisition gets a {@link Lease#fencingToken() fencing token} greater than
 * that of every earlier acquisition of the same name, so a store written by the holder can refuse
 * the writes of a holder that lost the lease without knowing it;</li>
 * <li>time to live is measured by the store, not by the nodes' clocks;</li>
 * <li>a call never blocks longer than the provider's own timeout: a store that cannot be reached
 * gives {@link LeaseException}, never a lease.</li>
 * </ul>
 *
 * <p>In an OSGi framework a provider is a service with the property {@value #NAME_PROPERTY}, which
 * configured schedulers name. Implementations are thread-safe.
 */
@ConsumerType
public interface LeaseProvider {

    /** The service property that names a lease provider service, e.g. {@code redis}. */
    String NAME_PROPERTY = "goflow.lease.name";

    /**
     * Takes the lease {@code name} for {@code ttl} if nobody holds it.
     *
     * @param name the lease's name, 1 to 255 characters
     * @param ttl how long the lease lasts unless renewed; at least 1 ms
     * @return the lease, or empty when another holder has it
     * @throws LeaseException if the store cannot be reached or answers with an error in time
     * @throws goflow.api.InvalidConfigException if the name or time to live is invalid
     */
    Optional<Lease> tryAcquire(String name, Duration ttl);

    /**
     * Returns a short description of this provider for logs and the shell, e.g.
     * {@code "redis 127.0.0.1:6380"}.
     *
     * @return the description
     */
    default String describe() {
        return getClass().getSimpleName();
    }
}
