package goflow.impl.ratelimit;

import java.time.Duration;

import goflow.api.Clock;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.ratelimit.KeyedRateLimiter;
import goflow.api.ratelimit.KeyedRateLimiterBuilder;
import goflow.api.ratelimit.Rate;
import goflow.impl.internal.Check;
import goflow.impl.internal.PrimitiveRegistry;

/** Builds per-key rate limiters. Not thread-safe (a builder belongs to one thread). */
public final class KeyedRateLimiterBuilderImpl implements KeyedRateLimiterBuilder {
    private static final String C = Primitive.Kind.KEYED_RATE_LIMITER.label();
    static final int DEFAULT_MAX_KEYS = 10_000;
    static final Duration DEFAULT_IDLE = Duration.ofMinutes(10);

    private final PrimitiveRegistry registry;
    private String name;
    private Rate rate;
    private long burst = 1;
    private boolean burstSet;
    private int maxKeys;
    private Duration idleTimeout;
    private Clock clock;
    private boolean clockSet;

    /**
     * Creates a builder.
     *
     * @param registry where the limiter is registered
     * @param defaultClock the clock used unless {@link #clock} is called
     */
    public KeyedRateLimiterBuilderImpl(PrimitiveRegistry registry, Clock defaultClock) {
        this.registry = registry;
        this.clock = defaultClock;
    }

    @Override
    public KeyedRateLimiterBuilder name(String name) {
        Check.setOnce(C, "name", this.name != null, name);
        this.name = Check.name(C, name);
        return this;
    }

    @Override
    public KeyedRateLimiterBuilder rate(Rate rate) {
        Check.setOnce(C, "rate", this.rate != null, rate);
        this.rate = LimiterChecks.rate(C, "rate", rate);
        return this;
    }

    @Override
    public KeyedRateLimiterBuilder rate(double eventsPerSecond) {
        Check.setOnce(C, "rate", this.rate != null, eventsPerSecond);
        this.rate = LimiterChecks.rate(C, "rate", eventsPerSecond);
        return this;
    }

    @Override
    public KeyedRateLimiterBuilder burst(long burst) {
        Check.setOnce(C, "burst", burstSet, burst);
        this.burst = LimiterChecks.burst(C, "burst", burst, TokenBucketImpl.BURST_HINT);
        burstSet = true;
        return this;
    }

    @Override
    public KeyedRateLimiterBuilder maxKeys(int maxKeys) {
        Check.setOnce(C, "maxKeys", this.maxKeys != 0, maxKeys);
        this.maxKeys = (int) Check.positive(C, "maxKeys", maxKeys, "the most client keys held at once");
        return this;
    }

    @Override
    public KeyedRateLimiterBuilder idleTimeout(Duration idleTimeout) {
        Check.setOnce(C, "idleTimeout", this.idleTimeout != null, idleTimeout);
        this.idleTimeout = Check.positive(C, "idleTimeout", idleTimeout,
                "how long a key must be unused before its full bucket is evicted");
        return this;
    }

    @Override
    public KeyedRateLimiterBuilder clock(Clock clock) {
        Check.setOnce(C, "clock", clockSet, clock);
        this.clock = Check.notNull(C, "clock", clock);
        clockSet = true;
        return this;
    }

    @Override
    public <K> KeyedRateLimiter<K> build() {
        if (rate == null) {
            throw new InvalidConfigException(C, "rate", null, "is required", "call rate(tokensPerSecond) or rate(Rate)");
        }
        PrimitiveRegistry.Entry entry = registry.reserve(Primitive.Kind.KEYED_RATE_LIMITER, name);
        try {
            return entry.activate(new KeyedRateLimiterImpl<K>(
                    new LimiterState(entry.name(), Primitive.Kind.KEYED_RATE_LIMITER), entry, clock, rate, burst,
                    maxKeys == 0 ? DEFAULT_MAX_KEYS : maxKeys, idleTimeout == null ? DEFAULT_IDLE : idleTimeout));
        } catch (RuntimeException | Error e) {
            entry.release();
            throw e;
        }
    }
}
