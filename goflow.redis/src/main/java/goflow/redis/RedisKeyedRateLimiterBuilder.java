package goflow.redis;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.Clock;
import goflow.api.ratelimit.Rate;

/**
 * Builds a {@link RedisKeyedRateLimiter}; obtained from {@link RedisConnection#keyedRateLimiter()}. Every
 * setter validates its argument and may be called once.
 *
 * <pre>{@code
 * RedisKeyedRateLimiter<String> perClient = redis.keyedRateLimiter().name("per-client").rate(10).burst(20)
 *         .failurePolicy(FailurePolicy.FAIL_OPEN).build();
 * if (!perClient.allow(request.clientId())) { return tooManyRequests(); }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
@ProviderType
public interface RedisKeyedRateLimiterBuilder {

    /**
     * Sets the name: the limiter's name in the registry and the name of its state in Redis. Nodes
     * that build a limiter of the same name on the same Redis share it. Required.
     *
     * @param name 1 to 128 characters, no whitespace or {@code , = : " * ?}
     * @return this builder
     */
    RedisKeyedRateLimiterBuilder name(String name);

    /**
     * Sets the fleet's rate, written to Redis when the limiter is built (the last node built or
     * changed sets it for all). Default 10 per second.
     *
     * @param eventsPerSecond tokens per second: zero, positive or infinite
     * @return this builder
     */
    RedisKeyedRateLimiterBuilder rate(double eventsPerSecond);

    /**
     * Sets the fleet's rate.
     *
     * @param rate the rate
     * @return this builder
     */
    RedisKeyedRateLimiterBuilder rate(Rate rate);

    /**
     * Sets the fleet's burst, written to Redis with the rate. Default 10.
     *
     * @param burst 1 to {@link goflow.api.ratelimit.RateLimiter#MAX_BURST}
     * @return this builder
     */
    RedisKeyedRateLimiterBuilder burst(long burst);

    /**
     * Sets what the limiter decides when Redis cannot answer in time. Default
     * {@link FailurePolicy#FAIL_CLOSED}.
     *
     * @param policy the policy
     * @return this builder
     */
    RedisKeyedRateLimiterBuilder failurePolicy(FailurePolicy policy);

    /**
     * Sets the share of the rate and burst the local fallback bucket of
     * {@link FailurePolicy#LOCAL} gets (its burst is at least 1). Default 0.25.
     *
     * @param share more than 0, at most 1; 1/N for a fleet of N nodes keeps the fleet at its limit
     * @return this builder
     */
    RedisKeyedRateLimiterBuilder localShare(double share);

    /**
     * Turns the local lease on: this node takes up to {@code tokens} tokens at once from Redis and
     * hands them out without a round trip for at most {@code maxAge}; after Redis refused, it
     * refuses locally until Redis said a token would be there. Saves round trips on hot limiters;
     * the cost: over any interval, the fleet may admit up to {@code min(nodes * tokens, rate *
     * maxAge)} more than {@code burst + rate * t} (tokens taken before the interval and used in it),
     * and leased tokens a node does not use within {@code maxAge} are lost to the others. Off by
     * default.
     *
     * @param tokens 2 to 1,000,000 tokens per lease
     * @param maxAge how long leased tokens may be used: 1 ms to 1 minute
     * @return this builder
     */
    RedisKeyedRateLimiterBuilder localLease(int tokens, Duration maxAge);

    /**
     * Sets how many keys this node holds locally at most (local leases and local fallback
     * buckets); the buckets in Redis are not bounded by it. Default 100,000.
     *
     * @param maxKeys at least 1
     * @return this builder
     */
    RedisKeyedRateLimiterBuilder maxKeys(int maxKeys);

    /**
     * Sets how long a local fallback bucket must be unused (and full) before this node forgets it.
     * Default 10 minutes.
     *
     * @param idleTimeout at least 1 ms
     * @return this builder
     */
    RedisKeyedRateLimiterBuilder idleTimeout(Duration idleTimeout);

    /**
     * Lists the limiter in {@code goflow}'s registry (so {@code goflow:limiters}, {@code goflow:stats}
     * and JMX show it) from its build until it is closed; see {@link goflow.api.GoFlow#register}.
     *
     * @param goflow the GoFlow whose registry lists it
     * @return this builder
     */
    RedisKeyedRateLimiterBuilder registerIn(goflow.api.GoFlow goflow);

    /**
     * Sets the clock that measures waits, the local lease and the local fallback bucket; the
     * decisions themselves take Redis's time. Default: the system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    RedisKeyedRateLimiterBuilder clock(Clock clock);

    /**
     * Builds the limiter for string keys, and writes its rate and burst to Redis (if Redis cannot be
     * reached, they are written with the first decision that reaches it).
     *
     * @return the limiter
     * @throws goflow.api.InvalidConfigException if the name is missing or taken on this connection
     */
    RedisKeyedRateLimiter<String> build();

    /**
     * Builds the limiter for keys of another type, each turned into the string that names its
     * bucket in Redis by {@code keyName} (equal keys must give equal strings on every node).
     *
     * @param <K> the key type
     * @param keyName turns a key into its name, e.g. {@code Object::toString}; must not return null
     * @return the limiter
     * @throws goflow.api.InvalidConfigException if the name is missing or taken on this connection
     */
    <K> RedisKeyedRateLimiter<K> build(java.util.function.Function<? super K, String> keyName);
}
