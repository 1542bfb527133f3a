package goflow.impl.ratelimit;

import goflow.api.Clock;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.ratelimit.Rate;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.ratelimit.TokenBucketBuilder;
import goflow.impl.internal.Check;
import goflow.impl.internal.PrimitiveRegistry;

/** Builds token buckets. Not thread-safe (a builder belongs to one thread). */
public final class TokenBucketBuilderImpl implements TokenBucketBuilder {
    private static final String C = Primitive.Kind.TOKEN_BUCKET.label();

    private final PrimitiveRegistry registry;
    private String name;
    private Rate rate;
    private long burst = 1;
    private boolean burstSet;
    private long initialTokens = -1;
    private Clock clock;
    private boolean clockSet;

    /**
     * Creates a builder.
     *
     * @param registry where the limiter is registered
     * @param defaultClock the clock used unless {@link #clock} is called
     */
    public TokenBucketBuilderImpl(PrimitiveRegistry registry, Clock defaultClock) {
        this.registry = registry;
        this.clock = defaultClock;
    }

    @Override
    public TokenBucketBuilder name(String name) {
        Check.setOnce(C, "name", this.name != null, name);
        this.name = Check.name(C, name);
        return this;
    }

    @Override
    public TokenBucketBuilder rate(Rate rate) {
        Check.setOnce(C, "rate", this.rate != null, rate);
        this.rate = LimiterChecks.rate(C, "rate", rate);
        return this;
    }

    @Override
    public TokenBucketBuilder rate(double eventsPerSecond) {
        Check.setOnce(C, "rate", this.rate != null, eventsPerSecond);
        this.rate = LimiterChecks.rate(C, "rate", eventsPerSecond);
        return this;
    }

    @Override
    public TokenBucketBuilder burst(long burst) {
        Check.setOnce(C, "burst", burstSet, burst);
        this.burst = LimiterChecks.burst(C, "burst", burst, TokenBucketImpl.BURST_HINT);
        burstSet = true;
        return this;
    }

    @Override
    public TokenBucketBuilder initialTokens(long tokens) {
        Check.setOnce(C, "initialTokens", initialTokens >= 0, tokens);
        this.initialTokens = Check.notNegative(C, "initialTokens", tokens,
                "the tokens in the bucket at creation; values above the burst are clamped to it");
        return this;
    }

    @Override
    public TokenBucketBuilder clock(Clock clock) {
        Check.setOnce(C, "clock", clockSet, clock);
        this.clock = Check.notNull(C, "clock", clock);
        clockSet = true;
        return this;
    }

    @Override
    public RateLimiter build() {
        if (rate == null) {
            throw new InvalidConfigException(C, "rate", null, "is required", "call rate(tokensPerSecond) or rate(Rate)");
        }
        PrimitiveRegistry.Entry entry = registry.reserve(Primitive.Kind.TOKEN_BUCKET, name);
        try {
            double tokens = initialTokens < 0 ? burst : Math.min(initialTokens, burst);
            BucketCore core = new BucketCore(clock, rate, burst, tokens);
            return entry.activate(new TokenBucketImpl(core,
                    new LimiterState(entry.name(), Primitive.Kind.TOKEN_BUCKET), entry));
        } catch (RuntimeException | Error e) {
            entry.release();
            throw e;
        }
    }
}
