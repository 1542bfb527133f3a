package goflow.impl.ratelimit;

import goflow.api.ratelimit.LeakyBucket;
import goflow.impl.internal.PrimitiveRegistry;

/**
 * The {@link LeakyBucket}: the bucket engine read upside down, {@code level = capacity - tokens}.
 * Thread-safe and lock-free on allow.
 */
final class LeakyBucketImpl extends AbstractBucketLimiter implements LeakyBucket {
    static final String CAPACITY_HINT = "capacity is the volume the bucket admits without waiting";

    LeakyBucketImpl(BucketCore core, LimiterState shared, PrimitiveRegistry.Entry entry) {
        super(core, shared, entry);
    }

    @Override
    public double level() {
        return core.level();
    }

    @Override
    public double available() {
        return core.tokens();
    }

    @Override
    public long capacity() {
        return core.burst();
    }

    @Override
    public void setCapacity(long capacity) {
        setBurst(capacity);
    }

    @Override
    String rateField() {
        return "leakRate";
    }

    @Override
    String burstField() {
        return "capacity";
    }

    @Override
    String burstHint() {
        return CAPACITY_HINT;
    }
}
