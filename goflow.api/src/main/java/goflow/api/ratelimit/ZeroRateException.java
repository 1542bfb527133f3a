package goflow.api.ratelimit;

import java.io.Serial;

import goflow.api.GoFlowException;

/**
 * Thrown by {@link RateLimiter#await(goflow.api.context.Context, long)} (and the keyed variant) when
 * the rate is zero and the bucket lacks the tokens asked for: they would never come, so the call
 * fails at once instead of waiting for ever (or reporting a deadline that did not pass). A positive
 * rate so small that the missing tokens would take longer than {@link Long#MAX_VALUE} nanoseconds
 * (about 292 years) to come counts as zero when the caller's context has no deadline. Nothing is
 * consumed.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class ZeroRateException extends GoFlowException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final long requested;
    private final double available;

    /**
     * Creates the exception.
     *
     * @param limiter the limiter's name
     * @param requested the number of tokens asked for
     * @param available the tokens present at the time
     */
    public ZeroRateException(String limiter, long requested, double available) {
        super(limiter + ": await(n=" + requested + ") cannot succeed: the rate is zero (or too small for the tokens "
                + "to come within 292 years) and only " + available + " tokens are available - raise the rate with "
                + "setRate");
        this.requested = requested;
        this.available = available;
    }

    /**
     * Returns the number of tokens asked for.
     *
     * @return the request size
     */
    public long requested() {
        return requested;
    }

    /**
     * Returns the tokens present at the time of the request.
     *
     * @return the tokens available
     */
    public double available() {
        return available;
    }
}
