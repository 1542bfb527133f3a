package goflow.redis;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.schedule.LeaseProvider;
import redis.clients.jedis.RedisClient;

/**
 * A connection to one Redis server (or primary): a pool of Jedis connections with a hard per-call
 * timeout, which makes fleet-wide limiters and leases, and lends its pooled {@link RedisClient} to
 * other bundles. Build one with {@link #builder()}; in an OSGi framework the configuration
 * {@value #PID} registers one as a service (and its {@link #leases()} as a {@code LeaseProvider}).
 *
 * <pre>{@code
 * try (RedisConnection redis = RedisConnection.builder().uri("redis://127.0.0.1:6379")
 *         .timeout(Duration.ofMillis(200)).build()) {
 *     RedisRateLimiter api = redis.rateLimiter().name("partner-api").rate(100).burst(100).build();
 *     if (api.allow()) { callPartner(); }
 * }
 * }</pre>
 *
 * <p><b>Timeout.</b> No call of a limiter or lease waits on Redis longer than {@link #timeout()}:
 * borrowing a pooled connection, opening one and the round trip itself share that budget. A
 * connection failure or timeout marks Redis down: from then on calls fail at once (their limiters
 * apply their failure policy) while one background thread probes Redis every
 * {@code reconnectInterval}; when Redis answers, the pool is emptied of dead connections and calls
 * go to Redis again, with no restart of anything.
 *
 * <p>Thread-safe. Closing it closes its limiters and its client.
 */
@ProviderType
public interface RedisConnection extends AutoCloseable {

    /** The configuration PID of the connection service. */
    String PID = "goflow.redis";

    /**
     * Starts building a connection.
     *
     * @return a new builder
     */
    static RedisConnectionBuilder builder() {
        return new RedisConnectionBuilder();
    }

    /**
     * Returns the connection's name, as its logs and state show it.
     *
     * @return the name
     */
    String name();

    /**
     * Returns host, port and database, never with credentials, e.g. {@code 127.0.0.1:6379/0}.
     *
     * @return the endpoint
     */
    String endpoint();

    /**
     * Returns the hard per-call timeout.
     *
     * @return the timeout
     */
    Duration timeout();

    /**
     * Returns the pooled Jedis client of this connection, sharing its pool, for other commands
     * (Redis Streams, caches...). Its calls are not bounded by {@link #timeout()} beyond the
     * socket timeout, and do not take part in the down/probe logic. Do not close it: closing the
     * connection does.
     *
     * @return the client
     */
    RedisClient client();

    /**
     * Returns a snapshot of the backend state: connected, last error, round-trip p50/p99.
     *
     * @return the state
     */
    RedisState state();

    /**
     * Starts building a fleet-wide {@link RedisRateLimiter} on this connection.
     *
     * @return a new builder
     */
    RedisRateLimiterBuilder rateLimiter();

    /**
     * Starts building a fleet-wide {@link RedisKeyedRateLimiter} on this connection.
     *
     * @return a new builder
     */
    RedisKeyedRateLimiterBuilder keyedRateLimiter();

    /**
     * Returns the lease provider of this connection, for
     * {@link goflow.api.schedule.TaskBuilder#oncePerCluster once-per-cluster} scheduler tasks:
     * {@code SET NX PX} with a fencing counter, renewed and released by scripts that check the
     * holder. Once this connection is closed, {@code tryAcquire} and {@code renew} throw
     * {@link goflow.api.schedule.LeaseException} (the store can no longer be reached through it),
     * which a scheduler treats as an outage: runs are skipped, not failed; {@code release} lets go
     * quietly, the lease running out in Redis by itself.
     *
     * @return the provider, one per connection
     */
    LeaseProvider leases();

    /**
     * Returns the limiters built on this connection and not yet closed.
     *
     * @return a snapshot, sorted by name
     */
    java.util.List<goflow.api.Primitive> limiters();

    /**
     * Closes the limiters built on it, the probe thread and the pool. Idempotent.
     */
    @Override
    void close();
}
