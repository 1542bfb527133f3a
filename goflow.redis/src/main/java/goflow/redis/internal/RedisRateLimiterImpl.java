package goflow.redis.internal;

import goflow.api.Registration;
import goflow.api.context.Context;
import goflow.api.ratelimit.Rate;
import goflow.api.ratelimit.RateLimiterStats;
import goflow.api.ratelimit.Reservation;
import goflow.redis.FailurePolicy;
import goflow.redis.RedisLimiterStats;
import goflow.redis.RedisRateLimiter;

/**
 * The fleet-wide token bucket: one bucket key ({@code goflow:rl:{name}}) and the shared
 * {@link LimiterCore}. Thread-safe.
 */
final class RedisRateLimiterImpl implements RedisRateLimiter {
    private final LimiterCore core;
    private final LimiterCore.KeyState state;
    /** The listing in a GoFlow registry, closed with the limiter; NONE when not listed. */
    private volatile Registration listing = Registration.NONE;

    RedisRateLimiterImpl(LimiterBuilders.Common b) {
        this.core = new LimiterCore(b, Kind.TOKEN_BUCKET.label());
        this.state = core.new KeyState();
    }

    void listing(Registration r) {
        listing = r;
    }

    LimiterCore core() {
        return core;
    }

    @Override
    public boolean allow() {
        return core.allow(state, core.keyPrefix, 1);
    }

    @Override
    public boolean allow(long n) {
        return core.allow(state, core.keyPrefix, n);
    }

    @Override
    public void await(Context ctx) throws InterruptedException {
        core.await(ctx, state, core.keyPrefix, 1);
    }

    @Override
    public void await(Context ctx, long n) throws InterruptedException {
        core.await(ctx, state, core.keyPrefix, n);
    }

    @Override
    public Reservation reserve() {
        return core.reserve(state, core.keyPrefix, 1);
    }

    @Override
    public Reservation reserve(long n) {
        return core.reserve(state, core.keyPrefix, n);
    }

    @Override
    public Rate rate() {
        return core.rate();
    }

    @Override
    public void setRate(Rate rate) {
        if (rate == null) {
            throw new goflow.api.InvalidConfigException(core.component, "rate", null, "must not be null",
                    "use Rate.ZERO to stop admitting");
        }
        core.setRate(rate.eventsPerSecond());
    }

    @Override
    public void setRate(double eventsPerSecond) {
        core.setRate(eventsPerSecond);
    }

    @Override
    public long burst() {
        return core.burst();
    }

    @Override
    public void setBurst(long burst) {
        core.setBurst(burst);
    }

    @Override
    public double tokens() {
        return core.tokens(state, core.keyPrefix, core.lastTokens());
    }

    @Override
    public RateLimiterStats stats() {
        return new RateLimiterStats(core.rate().eventsPerSecond(), core.burst(), core.lastTokens(),
                core.allowed.sum(), core.denied.sum(), core.waited.sum(), core.cancelled.sum());
    }

    @Override
    public FailurePolicy failurePolicy() {
        return core.policy;
    }

    @Override
    public RedisLimiterStats backendStats() {
        return core.backendStats();
    }

    @Override
    public String name() {
        return core.name;
    }

    @Override
    public Kind kind() {
        return Kind.TOKEN_BUCKET;
    }

    @Override
    public void close() {
        if (core.close()) {
            core.conn.release(core.name, this);
            listing.close();
        }
    }

    @Override
    public String toString() {
        return "RedisRateLimiter[" + core.name + " on " + core.conn.name() + ", rate=" + core.rate() + ", burst="
                + core.burst() + ", " + core.policy + "]";
    }
}
