package goflow.api.ratelimit;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;

/**
 * A rate limiter: a bucket of at most {@link #burst()} tokens, refilled at {@link #rate()} tokens
 * per second, from which each admitted request takes {@code n} tokens. The token bucket
 * ({@code GoFlow.tokenBucket()}) and the {@link LeakyBucket} ({@code GoFlow.leakyBucket()}) share
 * this interface; for a leaky bucket, read "tokens" as the free room {@code capacity - level}.
 *
 * <p>Three ways to ask, with the semantics of Go's {@code golang.org/x/time/rate}:
 * <ul>
 * <li>{@link #allow(long)} never blocks and never creates debt: it takes {@code n} tokens if they are
 * there now, else it takes nothing and returns {@code false}.</li>
 * <li>{@link #await(Context, long)} blocks until the tokens are there (taking them in arrival order
 * through a reservation), or fails at once when it cannot succeed: when {@code n > burst()}
 * ({@link BurstExceededException}), when the rate is zero and the tokens are missing
 * ({@link ZeroRateException}), or when the wait would end after the context's deadline
 * ({@link DeadlineExceededException}). Nothing is consumed when it fails.</li>
 * <li>{@link #reserve(long)} takes the tokens now, possibly going into debt, and returns a
 * {@link Reservation} that says how long the caller must wait before acting; cancelling it gives
 * back what later requests have not already built on.</li>
 * </ul>
 *
 * <p>All time is measured on the limiter's injected {@link goflow.api.Clock}. An admitted request
 * count is exact: over any interval of length {@code t}, at most {@code burst + rate * t} tokens
 * are taken (plus what cancelled reservations gave back). Exact means to the nanosecond of the
 * clock while refilling a whole burst ({@code burst / rate}) takes less than 2<sup>53</sup> ns
 * (about 104 days); a bucket that refills more slowly than that keeps its times to a
 * 2<sup>-52</sup> fraction of its refill time (a token's interval at {@link #MAX_BURST} tokens).
 *
 * <p>A closed limiter throws {@link ClosedException} from every operation except the getters, and
 * its waiters fail with it.
 *
 * <p>Thread-safe: every operation is atomic; {@code allow} is lock-free and allocation-free.
 */
@ProviderType
public interface RateLimiter extends Primitive {

    /**
     * Takes one token if there is one now. Same as {@code allow(1)}.
     *
     * @return {@code true} if the token was taken
     * @throws ClosedException if the limiter is closed
     */
    boolean allow();

    /**
     * Takes {@code n} tokens if there are at least {@code n} now; otherwise takes nothing. Never
     * blocks, never creates debt; {@code n > burst()} always gives {@code false} (unless the rate is
     * unlimited). {@code n == 0} gives {@code true}.
     *
     * @param n the number of tokens, zero or positive
     * @return {@code true} if the tokens were taken
     * @throws InvalidConfigException if {@code n} is negative
     * @throws ClosedException if the limiter is closed
     */
    boolean allow(long n);

    /**
     * Waits for one token. Same as {@code await(ctx, 1)}.
     *
     * @param ctx bounds the wait
     * @throws InterruptedException if the thread is interrupted while waiting (nothing is consumed)
     * @throws CancelledException if {@code ctx} is cancelled first (nothing is consumed)
     * @throws DeadlineExceededException if the token cannot be had before the deadline of {@code ctx};
     *     thrown at once, without waiting, when that is known in advance
     * @throws BurstExceededException never for one token, as the burst is at least 1
     * @throws ZeroRateException if the rate is zero and the bucket is empty
     * @throws ClosedException if the limiter is or gets closed
     */
    void await(Context ctx) throws InterruptedException;

    /**
     * Waits until {@code n} tokens can be taken, and takes them. Requests are served in the order of
     * their arrival: each takes a {@link Reservation} at once, then waits for its delay on the
     * limiter's clock. Fails at once, consuming nothing, when it cannot succeed:
     * <ul>
     * <li>{@code n > burst()}: {@link BurstExceededException} (unless the rate is unlimited);</li>
     * <li>the rate is zero (or, with no deadline, too small for the missing tokens to come within
     * {@link Long#MAX_VALUE} nanoseconds) and fewer than {@code n} tokens are present:
     * {@link ZeroRateException};</li>
     * <li>{@code ctx} is already done: its error;</li>
     * <li>the wait would end after the deadline of {@code ctx}: {@link DeadlineExceededException},
     * without waiting.</li>
     * </ul>
     * If the wait is cut short (context done, interrupt, close), the reservation is cancelled and
     * its tokens go back to the bucket as {@link Reservation#cancel()} describes. {@code n == 0}
     * returns at once after checking the context.
     *
     * @param ctx bounds the wait
     * @param n the number of tokens, zero or positive
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws CancelledException if {@code ctx} is cancelled first
     * @throws DeadlineExceededException if the tokens cannot be had before the deadline of
     *     {@code ctx}
     * @throws BurstExceededException if {@code n > burst()}
     * @throws ZeroRateException if the rate is zero and fewer than {@code n} tokens are present
     * @throws InvalidConfigException if {@code ctx} is null or {@code n} is negative
     * @throws ClosedException if the limiter is or gets closed
     */
    void await(Context ctx, long n) throws InterruptedException;

    /**
     * Reserves one token. Same as {@code reserve(1)}.
     *
     * @return the reservation
     * @throws ClosedException if the limiter is closed
     */
    Reservation reserve();

    /**
     * Takes {@code n} tokens now, going into debt if they are not all there, and returns how long
     * the caller must wait before acting. Never blocks. The reservation is not
     * {@link Reservation#ok() ok} (and nothing is taken) when {@code n > burst()} or when the rate
     * is zero and fewer than {@code n} tokens are present; with an unlimited rate it is ok at once
     * and takes nothing.
     *
     * @param n the number of tokens, zero or positive
     * @return the reservation
     * @throws InvalidConfigException if {@code n} is negative
     * @throws ClosedException if the limiter is closed
     */
    Reservation reserve(long n);

    /**
     * Returns the refill rate (for a leaky bucket, the leak rate).
     *
     * @return the current rate
     */
    Rate rate();

    /**
     * Changes the rate from now on: tokens accrued so far are counted at the old rate. Pending
     * reservations keep the time they were given.
     *
     * @param rate the new rate, not null
     * @throws InvalidConfigException if {@code rate} is null
     * @throws ClosedException if the limiter is closed
     */
    void setRate(Rate rate);

    /**
     * Changes the rate from now on; same as {@code setRate(Rate.perSecond(eventsPerSecond))}, but
     * the error names this limiter.
     *
     * @param eventsPerSecond tokens per second: zero, positive or {@link Double#POSITIVE_INFINITY}
     * @throws InvalidConfigException if the value is negative or NaN
     * @throws ClosedException if the limiter is closed
     */
    void setRate(double eventsPerSecond);

    /**
     * Returns the most tokens the bucket holds (for a leaky bucket, its capacity).
     *
     * @return the burst, at least 1
     */
    long burst();

    /**
     * Changes the burst from now on; the tokens present are clamped to the new burst.
     *
     * @param burst the new burst, at least 1 and at most {@link #MAX_BURST}
     * @throws InvalidConfigException if {@code burst} is zero, negative or too large
     * @throws ClosedException if the limiter is closed
     */
    void setBurst(long burst);

    /**
     * Returns the tokens available now: at most {@link #burst()}, negative while reservations are in
     * debt, and always {@code burst()} with an unlimited rate.
     *
     * @return the current number of tokens, fractional
     */
    double tokens();

    /**
     * Returns a snapshot of the counters and the current state.
     *
     * @return the statistics
     */
    @Override
    RateLimiterStats stats();

    /**
     * The largest burst (and request size): 2<sup>52</sup>, so whole token counts stay exact; how
     * exactly their times are kept depends on the refill time (see the class description).
     */
    long MAX_BURST = 1L << 52;

    /**
     * Returns the longest wait a {@link Reservation} can report; used for "never".
     *
     * @return {@code Duration.ofNanos(Long.MAX_VALUE)}
     */
    static Duration never() {
        return Duration.ofNanos(Long.MAX_VALUE);
    }
}
