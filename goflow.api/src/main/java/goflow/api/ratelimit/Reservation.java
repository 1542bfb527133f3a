package goflow.api.ratelimit;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Tokens taken in advance from a {@link RateLimiter} by {@link RateLimiter#reserve(long)}: the holder
 * may act once {@link #delay()} has elapsed on the limiter's clock, or {@link #cancel()} to give the
 * tokens back.
 *
 * <pre>{@code
 * Reservation r = limiter.reserve(1);
 * if (!r.ok()) { ... }                // the request can never be satisfied
 * Duration wait = r.delay();
 * if (wait.compareTo(maxWait) > 0) { r.cancel(); ... } else { sleep(wait); act(); }
 * }</pre>
 *
 * <p>Thread-safe; {@link #cancel()} is idempotent.
 */
@ProviderType
public interface Reservation {

    /**
     * Returns whether the tokens were reserved. A reservation is not ok when more than the burst was
     * asked for, or when the rate is zero and the tokens were missing; then nothing was taken.
     *
     * @return {@code true} if the holder may act after {@link #delay()}
     */
    boolean ok();

    /**
     * Returns the number of tokens this reservation asked for.
     *
     * @return the request size
     */
    long tokens();

    /**
     * Returns how long from now, on the limiter's clock, the holder must wait before acting.
     *
     * @return zero once the time has come; {@link RateLimiter#never()} when not {@link #ok()}
     */
    Duration delay();

    /**
     * Returns the point of the limiter's clock ({@link goflow.api.Clock#nanoTime()}) at which the
     * holder may act.
     *
     * @return the time to act; meaningless when not {@link #ok()}
     */
    long timeToActNanos();

    /**
     * Gives back the part of the reserved tokens that is still unused, following
     * {@code golang.org/x/time/rate}: nothing once the time to act has passed (the tokens were
     * consumed by time); otherwise the reserved tokens minus those that reservations made later
     * already build on, without exceeding the burst. Only the first call has an effect; it is a
     * no-op on a reservation that is not ok, and with an unlimited rate.
     */
    void cancel();

    /**
     * Returns whether {@link #cancel()} was called, also on a reservation that is not ok (whose
     * cancel gives nothing back and is not counted in the limiter's {@code cancelled} statistic).
     *
     * @return {@code true} after a cancel
     */
    boolean isCancelled();
}
