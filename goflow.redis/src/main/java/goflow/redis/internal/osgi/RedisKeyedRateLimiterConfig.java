package goflow.redis.internal.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of one fleet-wide keyed rate limiter (factory PID {@value #PID}). */
@ObjectClassDefinition(id = RedisKeyedRateLimiterConfig.PID, name = "goflow Redis keyed rate limiter",
        description = "A fleet-wide rate limit per key (per client, user, tenant...) on the goflow.redis connection, "
                + "registered as a goflow.api.ratelimit.KeyedRateLimiter service with goflow.name. Rate and burst change "
                + "live for the whole fleet; other changes recreate it (its buckets are in Redis, so nothing is lost).")
public @interface RedisKeyedRateLimiterConfig {
    /** The factory PID. */
    String PID = "goflow.redis.keyed";

    /**
     * The name, shared by every node that uses the same limits.
     *
     * @return the name, or empty for the configuration's name
     */
    @AttributeDefinition(name = "Name", required = false, description = "Nodes with the same name share the limits. "
            + "Default: the name of the factory configuration.")
    String name() default "";

    /**
     * Each key's rate.
     *
     * @return tokens per second
     */
    @AttributeDefinition(name = "Rate", description = "Tokens per second of each key, for the whole fleet. Changes live.")
    double rate() default 10;

    /**
     * Each key's burst.
     *
     * @return at least 1
     */
    @AttributeDefinition(name = "Burst", min = "1", description = "The most tokens a key takes at once. Changes live.")
    long burst() default 10;

    /**
     * The failure policy.
     *
     * @return FAIL_CLOSED, FAIL_OPEN or LOCAL
     */
    @AttributeDefinition(name = "Failure policy", description = "What allow() decides while Redis cannot answer: "
            + "FAIL_CLOSED (default), FAIL_OPEN or LOCAL.")
    String failurePolicy() default "FAIL_CLOSED";

    /**
     * The local share.
     *
     * @return in (0, 1]
     */
    @AttributeDefinition(name = "Local share", description = "LOCAL: the share of each key's rate and burst this "
            + "node's local bucket gets while Redis is away (1/N for N nodes). Default 0.25.")
    double localShare() default 0.25;

    /**
     * The most keys held locally.
     *
     * @return at least 1
     */
    @AttributeDefinition(name = "Max keys", min = "1", description = "The most keys this node keeps local state for "
            + "(local leases, local fallback buckets); the buckets in Redis are not bounded by it.")
    int maxKeys() default 100_000;

    /**
     * How long a key's local state is kept unused.
     *
     * @return an ISO-8601 duration
     */
    @AttributeDefinition(name = "Idle timeout", description = "How long a key's local state is kept unused, as an "
            + "ISO-8601 duration. Its bucket in Redis expires by itself once full again.")
    String idleTimeout() default "PT10M";

    /**
     * The local lease's size.
     *
     * @return 0 for no lease, else 2 to 1,000,000 tokens
     */
    @AttributeDefinition(name = "Local lease tokens", description = "Tokens a node takes from Redis at once for a key "
            + "and hands out without a round trip (hot keys); 0 (default) turns the lease off. The fleet may then admit "
            + "up to min(nodes x tokens, rate x max age) more than its limit over any interval.")
    int localLeaseTokens() default 0;

    /**
     * The local lease's age limit.
     *
     * @return an ISO-8601 duration
     */
    @AttributeDefinition(name = "Local lease max age", description = "How long leased tokens may be used, as an "
            + "ISO-8601 duration (1 ms to 1 minute).")
    String localLeaseMaxAge() default "PT0.1S";
}
