package goflow.redis;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.ratelimit.RateLimiter;

/**
 * A token bucket shared by every node of a fleet: the {@link RateLimiter} contract, with its state
 * in Redis under the limiter's name, so that N nodes together admit at most
 * {@code burst + rate * t} over any interval {@code t}.
 *
 * <p>How it differs from a local token bucket:
 * <ul>
 * <li>Each decision is one round trip to Redis; {@link #allow(long)} costs what the network costs
 * (tens of microseconds on a local Redis, against tens of nanoseconds locally). The optional local
 * lease saves round trips for hot limiters at a stated cost in accuracy.</li>
 * <li>Time comes from the Redis server; the limiter's {@link goflow.api.Clock} only measures waits,
 * the local lease and the {@link FailurePolicy#LOCAL local fallback bucket}.</li>
 * <li>{@link #setRate} and {@link #setBurst} change the limit of the whole fleet; {@link #rate()}
 * and {@link #burst()} return the fleet's values as of this node's last round trip.</li>
 * <li>{@link #await} asks Redis, waits what it says, and asks again: waiters are not served in
 * arrival order across the fleet. As a local bucket's, it fails at once, consuming nothing, when
 * Redis says the tokens would come after the context's deadline
 * ({@link goflow.api.context.DeadlineExceededException}) or, on a context with no deadline, in
 * {@link Long#MAX_VALUE} nanoseconds (292 years) or more: a rate so small is zero in effect
 * ({@link goflow.api.ratelimit.ZeroRateException}, never a deadline the context does not have). A
 * {@link #reserve(long)} whose wait would be that long is not ok.</li>
 * <li>A rate of zero admits nothing (the fleet's bucket has no tokens while it is stopped); nor
 * does a positive rate so small that, in microseconds, a token's interval or the refill of the
 * whole burst overflows a double (below {@code burst} &times; 5.6&middot;10<sup>-303</sup> per
 * second): it is zero in effect.</li>
 * <li>When Redis cannot answer within the connection's timeout, the {@link #failurePolicy()}
 * decides; no call waits on Redis longer than that timeout.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface RedisRateLimiter extends RateLimiter {

    /**
     * Returns what this limiter decides when Redis cannot answer.
     *
     * @return the failure policy
     */
    FailurePolicy failurePolicy();

    /**
     * Returns the backend counters of this limiter on this node.
     *
     * @return the statistics
     */
    RedisLimiterStats backendStats();
}
