package goflow.redis.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import goflow.api.ratelimit.RateLimiter;
import goflow.api.ratelimit.Reservation;

/**
 * A reservation of a Redis limiter: tokens taken in the fleet's bucket (or, while Redis could not
 * answer, in the local fallback bucket). Cancelling it before its time gives the tokens back to
 * that bucket, less those that reservations made later build on (a round trip; lost if Redis
 * cannot answer); after its time, nothing.
 *
 * <p>Thread-safe; {@link #cancel()} is idempotent.
 */
final class RedisReservation implements Reservation {
    private final LimiterCore core;
    /** Where to refund: the bucket's local state, and its Redis key (null for a local reservation). */
    private final LimiterCore.KeyState ks;
    private final String bucketKey;
    /** The bucket's TAT in Redis after this reservation (null for a local one): later ones build past it. */
    private final String tat;
    private final long tokens;
    private final long timeToAct;
    private final boolean ok;
    private final boolean local;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    RedisReservation(LimiterCore core, LimiterCore.KeyState ks, String bucketKey, String tat, long tokens,
            long timeToAct, boolean ok, boolean local) {
        this.core = core;
        this.ks = ks;
        this.bucketKey = bucketKey;
        this.tat = tat;
        this.tokens = tokens;
        this.timeToAct = timeToAct;
        this.ok = ok;
        this.local = local;
    }

    @Override
    public boolean ok() {
        return ok;
    }

    @Override
    public long tokens() {
        return tokens;
    }

    @Override
    public Duration delay() {
        if (!ok) {
            return RateLimiter.never();
        }
        return Duration.ofNanos(Math.max(0, timeToAct - core.clock.nanoTime()));
    }

    @Override
    public long timeToActNanos() {
        return timeToAct;
    }

    @Override
    public void cancel() {
        if (!cancelled.compareAndSet(false, true) || !ok || tokens == 0 || ks == null) {
            return;
        }
        if (timeToAct - core.clock.nanoTime() <= 0) {
            core.cancelled.increment();
            return; // its time came: the tokens were used by time
        }
        core.refund(ks, bucketKey, tat, tokens, timeToAct, local);
    }

    @Override
    public boolean isCancelled() {
        return cancelled.get();
    }

    @Override
    public String toString() {
        return "Reservation[" + core.component + ", tokens=" + tokens + (ok ? ", delay=" + delay() : ", not ok") + "]";
    }
}
