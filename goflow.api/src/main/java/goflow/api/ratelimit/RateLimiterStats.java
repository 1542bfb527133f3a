package goflow.api.ratelimit;

import goflow.api.inspect.Stats;

/**
 * A snapshot of a {@link RateLimiter}: its configuration, its tokens now, and counters since it was
 * created. For a {@link LeakyBucket}, {@code burst} is the capacity and {@code tokens} the free room
 * ({@code capacity - level}).
 *
 * @param rate the refill (or leak) rate, in tokens per second; infinite when unlimited
 * @param burst the burst (or capacity)
 * @param tokens the tokens available when the snapshot was taken; negative while in debt
 * @param allowed requests admitted: {@code allow} calls that returned true, successful
 *     {@code await} calls and ok reservations
 * @param denied requests refused: {@code allow} calls that returned false, {@code await} calls
 *     that failed at once, and reservations that were not ok
 * @param waited {@code await} calls that had to wait before being admitted
 * @param cancelled reservations cancelled (including those of interrupted or expired waits)
 */
public record RateLimiterStats(double rate, long burst, double tokens, long allowed, long denied, long waited,
        long cancelled) implements Stats {
}
