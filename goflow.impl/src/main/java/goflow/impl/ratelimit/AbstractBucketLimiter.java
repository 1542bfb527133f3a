package goflow.impl.ratelimit;

import goflow.api.Primitive;
import goflow.api.context.Context;
import goflow.api.ratelimit.Rate;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.ratelimit.RateLimiterStats;
import goflow.api.ratelimit.Reservation;
import goflow.impl.internal.PrimitiveRegistry;

/**
 * A registered {@link RateLimiter} over one {@link BucketCore}: the token bucket and the leaky
 * bucket differ only in vocabulary.
 *
 * <p>Thread-safe: all state is in the core (lock-free) and in {@link LimiterState} (atomics).
 */
abstract class AbstractBucketLimiter implements RateLimiter {
    final BucketCore core;
    final LimiterState shared;
    private final PrimitiveRegistry.Entry entry;

    AbstractBucketLimiter(BucketCore core, LimiterState shared, PrimitiveRegistry.Entry entry) {
        this.core = core;
        this.shared = shared;
        this.entry = entry;
    }

    @Override
    public final boolean allow() {
        if (shared.closed) {
            shared.ensureOpen("allow");
        }
        if (core.tryTake(1)) {
            shared.allowed.increment();
            return true;
        }
        shared.denied.increment();
        return false;
    }

    @Override
    public final boolean allow(long n) {
        shared.checkN(n);
        if (shared.closed) {
            shared.ensureOpen("allow");
        }
        if (n == 0 || core.tryTake(n)) {
            shared.allowed.increment();
            return true;
        }
        shared.denied.increment();
        return false;
    }

    @Override
    public final void await(Context ctx) throws InterruptedException {
        BucketWait.await(core, shared, ctx, 1);
    }

    @Override
    public final void await(Context ctx, long n) throws InterruptedException {
        BucketWait.await(core, shared, ctx, n);
    }

    @Override
    public final Reservation reserve() {
        return reserve(1);
    }

    @Override
    public final Reservation reserve(long n) {
        shared.checkN(n);
        shared.ensureOpen("reserve");
        BucketCore.Grant g = core.reserve(n, Long.MAX_VALUE);
        if (g.outcome == BucketCore.Outcome.OK) {
            shared.allowed.increment();
        } else {
            shared.denied.increment();
        }
        return new ReservationImpl(core, shared, g);
    }

    @Override
    public final Rate rate() {
        return core.rate();
    }

    @Override
    public final void setRate(Rate rate) {
        LimiterChecks.rate(shared.component, rateField(), rate);
        shared.ensureOpen("setRate");
        core.setRate(rate);
    }

    @Override
    public final void setRate(double eventsPerSecond) {
        Rate rate = LimiterChecks.rate(shared.component, rateField(), eventsPerSecond);
        shared.ensureOpen("setRate");
        core.setRate(rate);
    }

    @Override
    public final long burst() {
        return core.burst();
    }

    @Override
    public void setBurst(long burst) {
        LimiterChecks.burst(shared.component, burstField(), burst, burstHint());
        shared.ensureOpen("setBurst");
        core.setBurst(burst);
    }

    @Override
    public final double tokens() {
        return core.tokens();
    }

    @Override
    public final String name() {
        return shared.name;
    }

    @Override
    public final Primitive.Kind kind() {
        return shared.kind;
    }

    @Override
    public final RateLimiterStats stats() {
        // rate, burst and tokens of one epoch: a snapshot never mixes a burst with another burst's tokens
        return core.read((e, w, now) -> new RateLimiterStats(e.rate.eventsPerSecond(), e.burst, e.tokensAt(w, now),
                shared.allowed.sum(), shared.denied.sum(), shared.waited.sum(), shared.cancelled.sum()));
    }

    @Override
    public final void close() {
        if (shared.close()) {
            entry.release();
        }
    }

    abstract String rateField();

    abstract String burstField();

    abstract String burstHint();

    @Override
    public String toString() {
        return shared.component + "[rate=" + core.rate() + ", burst=" + core.burst() + ", tokens=" + core.tokens()
                + "]";
    }
}
