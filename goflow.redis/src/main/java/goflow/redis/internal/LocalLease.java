package goflow.redis.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tokens taken in advance from one Redis bucket by this node (the local lease of a hot limiter or
 * key): handed out one at a time without a round trip until they run out or their time is up; and,
 * after Redis said the bucket is empty, the time before which it will not have a token.
 *
 * <p>Thread-safe: {@link #tokens} is taken by compare-and-set; the refill (one round trip) happens
 * under {@link #refill}, so one thread refills while the others wait for its result; the volatile
 * times are written under it.
 */
final class LocalLease {
    /** Tokens left in the lease. */
    final AtomicLong tokens = new AtomicLong();
    /** The clock time after which the tokens left may no longer be used. */
    volatile long expiresNanos;
    /** The clock time before which Redis has no token for this bucket (after it refused). */
    volatile long deniedUntilNanos;
    /** Whether Redis said the bucket will never have a token (zero rate) when it last refused. */
    volatile boolean never;
    /**
     * Whether Redis said, when it last refused, that a token would take {@link Long#MAX_VALUE} ns
     * or more (a rate so small that it is zero in effect).
     */
    volatile boolean beyondRange;
    /** When it was last used, for eviction. */
    volatile long lastUsedNanos;
    final ReentrantLock refill = new ReentrantLock();

    /**
     * Creates an empty lease, expired and not denied at {@code now}. (Clock times are compared by
     * difference, as {@link System#nanoTime} requires: a sentinel such as {@code Long.MIN_VALUE}
     * would overflow the difference and read as "denied for ever".)
     *
     * @param now the clock's time
     */
    LocalLease(long now) {
        this.expiresNanos = now;
        this.deniedUntilNanos = now;
        this.lastUsedNanos = now;
    }

    /** Takes one token from the lease if it has one and is not expired. */
    boolean tryTake(long now) {
        lastUsedNanos = now;
        if (now - expiresNanos >= 0) {
            return false;
        }
        long have;
        while ((have = tokens.get()) > 0) {
            if (tokens.compareAndSet(have, have - 1)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What a refusal during {@link #deniedAt} answers: -1 for never, {@link Long#MAX_VALUE} for a wait
     * beyond that, else the nanoseconds until Redis will have a token.
     */
    long deniedWait(long now) {
        return never ? -1 : beyondRange ? Long.MAX_VALUE : deniedUntilNanos - now;
    }

    boolean deniedAt(long now) {
        return now - deniedUntilNanos < 0;
    }
}
