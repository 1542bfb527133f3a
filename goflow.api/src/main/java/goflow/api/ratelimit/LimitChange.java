package goflow.api.ratelimit;

import java.time.Duration;
import java.time.Instant;

/**
 * The end of one window of an {@link AdaptiveLimiter}: the limit it set and what it saw.
 *
 * @param time when the window ended (the limiter's clock)
 * @param limit the limit from then on
 * @param latency the window's average latency of successful calls, or {@link Duration#ZERO} if none
 * @param samples the successful calls of the window
 * @param dropped the dropped calls of the window
 * @param maxInFlight the most permits held at once in the window
 * @param probe whether the window was a probe: the limit pinned to the minimum to measure the
 *     no-load latency
 */
public record LimitChange(Instant time, int limit, Duration latency, long samples, long dropped, int maxInFlight,
        boolean probe) {
}
