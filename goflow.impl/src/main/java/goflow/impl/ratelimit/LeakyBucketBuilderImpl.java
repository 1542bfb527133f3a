package goflow.impl.ratelimit;

import goflow.api.Clock;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.LeakyBucketBuilder;
import goflow.api.ratelimit.Rate;
import goflow.impl.internal.Check;
import goflow.impl.internal.PrimitiveRegistry;

/** Builds leaky buckets. Not thread-safe (a builder belongs to one thread). */
public final class LeakyBucketBuilderImpl implements LeakyBucketBuilder {
    private static final String C = Primitive.Kind.LEAKY_BUCKET.label();

    private final PrimitiveRegistry registry;
    private String name;
    private Rate rate;
    private long capacity = 1;
    private boolean capacitySet;
    private long initialLevel = -1;
    private Clock clock;
    private boolean clockSet;

    /**
     * Creates a builder.
     *
     * @param registry where the bucket is registered
     * @param defaultClock the clock used unless {@link #clock} is called
     */
    public LeakyBucketBuilderImpl(PrimitiveRegistry registry, Clock defaultClock) {
        this.registry = registry;
        this.clock = defaultClock;
    }

    @Override
    public LeakyBucketBuilder name(String name) {
        Check.setOnce(C, "name", this.name != null, name);
        this.name = Check.name(C, name);
        return this;
    }

    @Override
    public LeakyBucketBuilder leakRate(Rate rate) {
        Check.setOnce(C, "leakRate", this.rate != null, rate);
        this.rate = LimiterChecks.rate(C, "leakRate", rate);
        return this;
    }

    @Override
    public LeakyBucketBuilder leakRate(double perSecond) {
        Check.setOnce(C, "leakRate", this.rate != null, perSecond);
        this.rate = LimiterChecks.rate(C, "leakRate", perSecond);
        return this;
    }

    @Override
    public LeakyBucketBuilder capacity(long capacity) {
        Check.setOnce(C, "capacity", capacitySet, capacity);
        this.capacity = LimiterChecks.burst(C, "capacity", capacity, LeakyBucketImpl.CAPACITY_HINT);
        capacitySet = true;
        return this;
    }

    @Override
    public LeakyBucketBuilder initialLevel(long level) {
        Check.setOnce(C, "initialLevel", initialLevel >= 0, level);
        this.initialLevel = Check.notNegative(C, "initialLevel", level,
                "the volume in the bucket at creation; values above the capacity are clamped to it");
        return this;
    }

    @Override
    public LeakyBucketBuilder clock(Clock clock) {
        Check.setOnce(C, "clock", clockSet, clock);
        this.clock = Check.notNull(C, "clock", clock);
        clockSet = true;
        return this;
    }

    @Override
    public LeakyBucket build() {
        if (rate == null) {
            throw new InvalidConfigException(C, "leakRate", null, "is required",
                    "call leakRate(perSecond) or leakRate(Rate)");
        }
        PrimitiveRegistry.Entry entry = registry.reserve(Primitive.Kind.LEAKY_BUCKET, name);
        try {
            double level = initialLevel < 0 ? 0 : Math.min(initialLevel, capacity);
            BucketCore core = new BucketCore(clock, rate, capacity, capacity - level, true);
            return entry.activate(new LeakyBucketImpl(core,
                    new LimiterState(entry.name(), Primitive.Kind.LEAKY_BUCKET), entry));
        } catch (RuntimeException | Error e) {
            entry.release();
            throw e;
        }
    }
}
