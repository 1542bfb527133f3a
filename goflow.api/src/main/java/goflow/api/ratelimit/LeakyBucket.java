package goflow.api.ratelimit;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;

/**
 * A leaky bucket rate limiter: a bucket of {@link #capacity()} holds a {@link #level()} of admitted
 * volume that drains at a constant {@link #rate() leak rate}. A request of {@code n} is admitted
 * when it fits ({@code level + n <= capacity}) and raises the level by {@code n}; a
 * {@link #reserve(long) reservation} or {@link #await(goflow.api.context.Context, long) await} may
 * overfill the bucket and then acts when the level has drained back to the capacity, so sustained
 * traffic leaves at exactly the leak rate (smoothing).
 *
 * <p>In the {@link RateLimiter} view, {@code burst()} is the capacity and {@code tokens()} the free
 * room {@code capacity - level}. A new leaky bucket starts empty (all room free) unless its builder
 * sets an initial level.
 *
 * <p>Thread-safe, like every {@link RateLimiter}.
 */
@ProviderType
public interface LeakyBucket extends RateLimiter {

    /**
     * Returns the volume in the bucket now: zero or more, above the capacity while reservations
     * overfill it.
     *
     * @return the level
     */
    double level();

    /**
     * Returns the free room now, {@code capacity - level}; negative while overfilled.
     *
     * @return the room, same as {@link #tokens()}
     */
    double available();

    /**
     * Returns the capacity, same as {@link #burst()}.
     *
     * @return the capacity, at least 1
     */
    long capacity();

    /**
     * Changes the capacity, same as {@link #setBurst(long)}: the level is kept, clamped to the new
     * capacity; while the bucket is overfilled by reservations, the overfill is kept instead (pending
     * reservations are not forgiven).
     *
     * @param capacity the new capacity, at least 1 and at most {@link RateLimiter#MAX_BURST}
     * @throws InvalidConfigException if {@code capacity} is zero, negative or too large
     * @throws ClosedException if the bucket is closed
     */
    void setCapacity(long capacity);
}
