package goflow.impl.testing;

import java.time.Duration;

import goflow.api.schedule.Lease;

/**
 * A lease that forwards every call to another one; a test overrides the calls it changes (a
 * renewal that counts, throws or answers late). Thread-safe as its delegate is.
 */
public class ForwardingLease implements Lease {
    private final Lease delegate;

    /**
     * Creates the lease.
     *
     * @param delegate the lease the calls go to
     */
    public ForwardingLease(Lease delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public long fencingToken() {
        return delegate.fencingToken();
    }

    @Override
    public boolean renew(Duration ttl) {
        return delegate.renew(ttl);
    }

    @Override
    public void release() {
        delegate.release();
    }
}
