package goflow.redis;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.ratelimit.KeyedRateLimiter;

/**
 * One fleet-wide token bucket per key, all with the same rate and burst: the
 * {@link KeyedRateLimiter} contract with every bucket in Redis (see {@link RedisRateLimiter} for
 * what differs from a local limiter). Buckets live in Redis only while they are not full: a key
 * expires when its bucket has refilled, so idle keys cost nothing.
 *
 * <p>{@link #size()}, {@link #maxKeys()} and {@link #evictIdle()} concern what this node holds
 * locally: local leases of hot keys and the buckets of the {@link FailurePolicy#LOCAL local
 * fallback}; {@link #tokens(Object)} asks Redis (when Redis cannot answer: with LOCAL, the key's
 * fallback bucket, full for a key that has none; otherwise the burst). When a new key needs local
 * state while {@code maxKeys} are held, the idle states are swept if a sweep is due (at most every
 * quarter of the idle timeout), and otherwise one state is evicted, idle or not, taking the held keys in turn
 * rather than the least recently used of a sample: a constant cost per new key, however many
 * arrive. An evicted state loses its unused leased tokens (fewer admitted, never more) or, during
 * an outage, restarts the key's fallback bucket full.
 *
 * <p>Thread-safe.
 *
 * @param <K> the type of the client keys
 */
@ProviderType
public interface RedisKeyedRateLimiter<K> extends KeyedRateLimiter<K> {

    /**
     * Returns what this limiter decides when Redis cannot answer.
     *
     * @return the failure policy
     */
    FailurePolicy failurePolicy();

    /**
     * Changes the rate of every key's bucket, for the whole fleet; see
     * {@link goflow.api.ratelimit.RateLimiter#setRate(double)}.
     *
     * @param eventsPerSecond tokens per second: zero, positive or infinite
     * @throws goflow.api.InvalidConfigException if the value is negative or NaN
     * @throws goflow.api.ClosedException if the limiter is closed
     */
    void setRate(double eventsPerSecond);

    /**
     * Changes the burst of every key's bucket, for the whole fleet.
     *
     * @param burst 1 to {@link goflow.api.ratelimit.RateLimiter#MAX_BURST}
     * @throws goflow.api.InvalidConfigException if the value is out of range
     * @throws goflow.api.ClosedException if the limiter is closed
     */
    void setBurst(long burst);

    /**
     * Returns the backend counters of this limiter on this node.
     *
     * @return the statistics
     */
    RedisLimiterStats backendStats();
}
