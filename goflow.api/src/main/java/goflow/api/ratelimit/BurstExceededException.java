package goflow.api.ratelimit;

import java.io.Serial;

import goflow.api.GoFlowException;

/**
 * Thrown by {@link RateLimiter#await(goflow.api.context.Context, long)} (and the keyed variant) when
 * more tokens are asked for than the bucket can ever hold, so waiting could never succeed. Nothing is
 * consumed.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class BurstExceededException extends GoFlowException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final long requested;
    private final long burst;

    /**
     * Creates the exception.
     *
     * @param limiter the limiter's name
     * @param requested the number of tokens asked for
     * @param burst the limiter's burst at the time
     */
    public BurstExceededException(String limiter, long requested, long burst) {
        super(limiter + ": await(n=" + requested + ") exceeds the burst " + burst
                + " - ask for at most the burst, or raise it with setBurst");
        this.requested = requested;
        this.burst = burst;
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
     * Returns the burst at the time of the request.
     *
     * @return the burst
     */
    public long burst() {
        return burst;
    }
}
