package goflow.impl.ratelimit;

import java.util.concurrent.atomic.AtomicBoolean;

import goflow.api.ratelimit.Permit;

/**
 * A {@link Permit} of a fixed {@link goflow.api.ratelimit.ConcurrencyLimiter}: every outcome only
 * releases one permit, exactly once. Thread-safe: the first outcome wins a CAS.
 */
final class ReleaseOncePermit implements Permit {
    private final ConcurrencyLimiterImpl limiter;
    private final AtomicBoolean done = new AtomicBoolean();

    ReleaseOncePermit(ConcurrencyLimiterImpl limiter) {
        this.limiter = limiter;
    }

    private void release() {
        if (done.compareAndSet(false, true)) {
            limiter.release();
        }
    }

    @Override
    public void success() {
        release();
    }

    @Override
    public void dropped() {
        release();
    }

    @Override
    public void ignore() {
        release();
    }

    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return "Permit[" + limiter.name() + (done.get() ? ", released]" : "]");
    }
}
