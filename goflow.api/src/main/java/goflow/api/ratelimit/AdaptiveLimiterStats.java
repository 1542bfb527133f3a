package goflow.api.ratelimit;

import java.time.Duration;

import goflow.api.inspect.Stats;

/**
 * A snapshot of an {@link AdaptiveLimiter}.
 *
 * @param algorithm the algorithm's label ({@code aimd}, {@code vegas}, {@code gradient})
 * @param limit the current limit
 * @param minLimit the lowest the limit goes
 * @param maxLimit the highest the limit goes
 * @param inFlight the permits held now
 * @param waiting the threads waiting for a permit now
 * @param acquired permits handed out, in total
 * @param rejected {@code tryAcquirePermit} calls that found the limiter full
 * @param succeeded calls recorded as a success
 * @param dropped calls recorded as dropped
 * @param ignored calls recorded as ignored (or closed without an outcome)
 * @param windows windows completed (each one an update of the limit)
 * @param noLoadLatency the no-load latency the algorithm uses, or {@link Duration#ZERO} before the
 *     first sample
 * @param lastLatency the average latency of the last completed window, or {@link Duration#ZERO}
 * @param probing whether the current window is a probe (the limit pinned to the minimum while the
 *     no-load latency is measured)
 */
public record AdaptiveLimiterStats(String algorithm, int limit, int minLimit, int maxLimit, int inFlight,
        int waiting, long acquired, long rejected, long succeeded, long dropped, long ignored, long windows,
        Duration noLoadLatency, Duration lastLatency, boolean probing) implements Stats {
}
