package goflow.impl.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import goflow.api.ratelimit.RateLimiter;
import goflow.api.ratelimit.Reservation;

/**
 * A reservation on a {@link BucketCore}. Thread-safe: {@code cancelled} flips once, by CAS, so only
 * the first {@link #cancel()} of an ok reservation refunds.
 */
final class ReservationImpl implements Reservation {
    private final BucketCore core;
    private final LimiterState shared;
    private final BucketCore.Grant grant;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    ReservationImpl(BucketCore core, LimiterState shared, BucketCore.Grant grant) {
        this.core = core;
        this.shared = shared;
        this.grant = grant;
    }

    @Override
    public boolean ok() {
        return grant.outcome == BucketCore.Outcome.OK;
    }

    @Override
    public long tokens() {
        return grant.n;
    }

    @Override
    public Duration delay() {
        if (!ok()) {
            return RateLimiter.never();
        }
        return Duration.ofNanos(Math.max(0, grant.time - core.clock().nanoTime()));
    }

    @Override
    public long timeToActNanos() {
        return grant.time;
    }

    @Override
    public void cancel() {
        // recorded for any reservation (isCancelled: "whether cancel() was called", as the Redis
        // limiter's reservations do); only an ok one has anything to give back and is counted
        if (cancelled.compareAndSet(false, true) && ok()) {
            shared.cancelled.increment();
            core.refund(grant);
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled.get();
    }

    @Override
    public String toString() {
        return ok() ? "Reservation[" + grant.n + " tokens, delay " + delay() + (isCancelled() ? ", cancelled]" : "]")
                : "Reservation[not ok: " + grant.n + " tokens" + (isCancelled() ? ", cancelled]" : "]");
    }
}
