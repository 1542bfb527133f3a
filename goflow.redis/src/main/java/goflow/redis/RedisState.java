package goflow.redis;

import java.time.Duration;
import java.time.Instant;

import goflow.api.inspect.Stats;

/**
 * A snapshot of a {@link RedisConnection}'s backend state, as {@link RedisConnection#state()} returns it.
 *
 * @param name the connection's name
 * @param endpoint host, port and database, never with credentials
 * @param connected whether the last call (or reconnection probe) reached Redis
 * @param lastError the last failure, or {@code null} when there was none
 * @param lastErrorAt when it happened, or {@code null}
 * @param calls round trips attempted since creation
 * @param failures those that failed (timeouts, connection errors, error replies, calls refused at
 *     once while Redis was known to be down)
 * @param timeouts those of the failures that ran out of time
 * @param p50 the median round-trip time of the recent successful calls
 * @param p99 their 99th percentile
 * @param poolActive connections in use now
 * @param poolIdle idle connections in the pool now
 */
public record RedisState(String name, String endpoint, boolean connected, String lastError, Instant lastErrorAt,
        long calls, long failures, long timeouts, Duration p50, Duration p99, int poolActive, int poolIdle)
        implements Stats {
}
