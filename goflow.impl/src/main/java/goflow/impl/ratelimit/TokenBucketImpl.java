package goflow.impl.ratelimit;

import goflow.impl.internal.PrimitiveRegistry;

/** The token bucket {@link goflow.api.ratelimit.RateLimiter}. Thread-safe and lock-free on allow. */
final class TokenBucketImpl extends AbstractBucketLimiter {
    static final String BURST_HINT = "burst is the number of tokens that can be taken at once";

    TokenBucketImpl(BucketCore core, LimiterState shared, PrimitiveRegistry.Entry entry) {
        super(core, shared, entry);
    }

    @Override
    String rateField() {
        return "rate";
    }

    @Override
    String burstField() {
        return "burst";
    }

    @Override
    String burstHint() {
        return BURST_HINT;
    }
}
