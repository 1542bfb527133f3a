package goflow.redis.internal;

import java.io.Serial;

/**
 * A call to Redis that did not succeed in time: Redis known to be down, a connection error, a
 * timeout, no pooled connection free, or an error reply. Internal: limiters turn it into their
 * failure policy's decision, leases into a {@link goflow.api.schedule.LeaseException}.
 */
final class RedisFailure extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Whether the call ran out of time. */
    final boolean timeout;

    RedisFailure(String message, boolean timeout, Throwable cause) {
        super(message, cause, false, cause != null);
        this.timeout = timeout;
    }
}
