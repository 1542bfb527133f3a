package goflow.redis;

import goflow.api.inspect.Stats;

/**
 * The backend side of a Redis limiter on this node: what went to Redis, what failed and what the
 * {@link FailurePolicy} and the local lease decided instead.
 *
 * @param policy the failure policy
 * @param connection the name of the connection the limiter uses
 * @param roundTrips calls to Redis (decisions, lease refills, configuration writes, readings)
 * @param failures those that failed and were decided by the policy (or, for readings, answered from
 *     the last known state)
 * @param fallbacks decisions taken by the failure policy
 * @param fallbackAllowed of those, the admitted ones
 * @param localLeaseHits decisions served by the local lease without a round trip (admitted from
 *     the lease, or refused while Redis had said the key is empty)
 * @param leaseTokensDropped leased tokens that ran out of time unused
 * @param lastError the last failure, or {@code null}
 */
public record RedisLimiterStats(FailurePolicy policy, String connection, long roundTrips, long failures,
        long fallbacks, long fallbackAllowed, long localLeaseHits, long leaseTokensDropped, String lastError)
        implements Stats {
}
