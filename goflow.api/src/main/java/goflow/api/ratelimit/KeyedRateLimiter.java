package goflow.api.ratelimit;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;

/**
 * One token bucket per key (client, user, API key...), all with the same rate and burst: the
 * API-gateway case.
 *
 * <pre>{@code
 * KeyedRateLimiter<String> perClient = goflow.keyedRateLimiter()
 *         .rate(10).burst(20).maxKeys(100_000).idleTimeout(Duration.ofMinutes(10)).build();
 * if (!perClient.allow(request.clientId())) { return tooManyRequests(); }
 * }</pre>
 *
 * <p>Memory is bounded: at most {@link #maxKeys()} buckets are held. A key unused for the idle
 * timeout whose bucket has refilled completely is evicted (forgetting a full bucket changes no
 * decision) by sweeps that run during normal operations at most every quarter of the idle timeout,
 * measured on the limiter's clock, and only after one call per 16 keys held since the previous
 * sweep (a sweep examines every key, so that its cost is amortised over the calls however short
 * the idle timeout), and by {@link #evictIdle()}. When a new key arrives while the
 * limiter is full, the least recently used among a random sample of keys is evicted, idle or not,
 * so a flood of new keys mostly resets the buckets of the clients seen least recently; between two
 * sweeps that may be a client whose bucket is not full while an idle one is still held
 * (calling {@link #evictIdle()} before new keys come removes the idle ones first).
 *
 * <p>Keys are compared with {@code equals}; they must not be null. Thread-safe.
 *
 * @param <K> the type of the client keys
 */
@ProviderType
public interface KeyedRateLimiter<K> extends Primitive {

    /**
     * Takes one token from {@code key}'s bucket if there is one now.
     *
     * @param key the client key, not null
     * @return {@code true} if the token was taken
     * @throws InvalidConfigException if {@code key} is null
     * @throws ClosedException if the limiter is closed
     */
    boolean allow(K key);

    /**
     * Takes {@code n} tokens from {@code key}'s bucket if they are there now; see
     * {@link RateLimiter#allow(long)}.
     *
     * @param key the client key, not null
     * @param n the number of tokens, zero or positive
     * @return {@code true} if the tokens were taken
     * @throws InvalidConfigException if {@code key} is null or {@code n} negative
     * @throws ClosedException if the limiter is closed
     */
    boolean allow(K key, long n);

    /**
     * Waits for one token of {@code key}'s bucket; see {@link RateLimiter#await(Context, long)}.
     *
     * @param ctx bounds the wait
     * @param key the client key, not null
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws CancelledException if {@code ctx} is cancelled first
     * @throws DeadlineExceededException if the token cannot be had before the deadline
     * @throws ZeroRateException if the rate is zero and the bucket is empty
     * @throws ClosedException if the limiter is or gets closed
     */
    void await(Context ctx, K key) throws InterruptedException;

    /**
     * Waits until {@code n} tokens of {@code key}'s bucket can be taken, and takes them; same rules as
     * {@link RateLimiter#await(Context, long)}.
     *
     * @param ctx bounds the wait
     * @param key the client key, not null
     * @param n the number of tokens, zero or positive
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws CancelledException if {@code ctx} is cancelled first
     * @throws DeadlineExceededException if the tokens cannot be had before the deadline
     * @throws BurstExceededException if {@code n > burst()}
     * @throws ZeroRateException if the rate is zero and the tokens are missing
     * @throws InvalidConfigException if an argument is null or {@code n} negative
     * @throws ClosedException if the limiter is or gets closed
     */
    void await(Context ctx, K key, long n) throws InterruptedException;

    /**
     * Returns the tokens in {@code key}'s bucket now, without creating it: {@link #burst()} for a
     * key that has no bucket.
     *
     * @param key the client key, not null
     * @return the tokens available to that key
     * @throws InvalidConfigException if {@code key} is null
     */
    double tokens(K key);

    /**
     * Returns the rate of every key's bucket.
     *
     * @return the rate
     */
    Rate rate();

    /**
     * Returns the burst of every key's bucket.
     *
     * @return the burst
     */
    long burst();

    /**
     * Returns the number of keys held now.
     *
     * @return the number of buckets
     */
    int size();

    /**
     * Returns the most keys held at once.
     *
     * @return the maximum number of keys
     */
    int maxKeys();

    /**
     * Evicts now every key idle for at least the idle timeout whose bucket is full.
     *
     * @return the number of keys evicted
     */
    int evictIdle();

    /**
     * Returns a snapshot of the counters and the current state.
     *
     * @return the statistics
     */
    @Override
    KeyedRateLimiterStats stats();
}
