package goflow.api.ratelimit;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import goflow.api.inspect.Stats;
import goflow.api.internal.StatsMaps;

/**
 * A snapshot of a {@link KeyedRateLimiter}.
 *
 * @param rate every bucket's rate, in tokens per second
 * @param burst every bucket's burst
 * @param keys the keys held when the snapshot was taken
 * @param maxKeys the most keys held at once
 * @param idleTimeout how long a key must be unused before it can be evicted
 * @param allowed requests admitted since creation
 * @param denied requests refused since creation
 * @param waited {@code await} calls that had to wait
 * @param evictedIdle keys evicted because they were idle
 * @param evictedFull keys evicted to make room for a new key while the limiter was full
 */
public record KeyedRateLimiterStats(double rate, long burst, int keys, int maxKeys, Duration idleTimeout,
        long allowed, long denied, long waited, long evictedIdle, long evictedFull) implements Stats {

    /**
     * Returns all evictions.
     *
     * @return {@code evictedIdle + evictedFull}
     */
    public long evicted() {
        return evictedIdle + evictedFull;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The derived figure {@code evicted} (all evictions) comes just before its two parts.
     */
    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        StatsMaps.figures(this).forEach((figure, value) -> {
            if (figure.equals("evictedIdle")) {
                m.put("evicted", evicted());
            }
            m.put(figure, value);
        });
        return Collections.unmodifiableMap(m);
    }
}
