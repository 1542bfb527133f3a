/**
 * Fleet-wide goflow primitives on Redis: a {@link goflow.redis.RedisConnection} (a pooled Jedis
 * client with a hard per-call timeout and its own reconnection) makes
 * {@link goflow.redis.RedisRateLimiter rate limiters} and
 * {@link goflow.redis.RedisKeyedRateLimiter keyed rate limiters} that every node of a fleet shares,
 * and {@link goflow.api.schedule.LeaseProvider leases} that make scheduler tasks run once per
 * cluster.
 *
 * <p>Each decision is one round trip: a Lua script runs the generic cell rate algorithm (GCRA) on
 * the server, on one timestamp per key, with the time of the Redis server ({@code TIME}), so the
 * clocks of the nodes change nothing. When Redis cannot be reached in time, each limiter applies
 * its {@link goflow.redis.FailurePolicy}.
 */
@Export
@Version("0.2.0")
package goflow.redis;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
