package goflow.impl.ratelimit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import goflow.api.Clock;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.context.Context;
import goflow.api.ratelimit.KeyedRateLimiter;
import goflow.api.ratelimit.KeyedRateLimiterStats;
import goflow.api.ratelimit.Rate;
import goflow.impl.internal.PrimitiveRegistry;

/**
 * The {@link KeyedRateLimiter}: a concurrent map from key to a {@link BucketCore}, bounded by a slot
 * counter, swept of idle full buckets during operations.
 *
 * <p>Thread-safe.
 */
final class KeyedRateLimiterImpl<K> implements KeyedRateLimiter<K> {
    /*
     * Implementation notes.
     *
     * `slots` counts the buckets in `buckets` plus those being inserted: a new key first claims a slot
     * (CAS below maxKeys), making room by eviction when there is none, then puts its bucket; a lost
     * putIfAbsent race or a removal gives the slot back. So the map never holds more than maxKeys.
     *
     * Idle eviction removes a bucket only when it was unused for idleTimeout AND is full now: a full
     * bucket is what a new one would be, so forgetting it changes no decision. A bucket taken from the
     * map just as the sweeper removes it serves that one call; at worst one client gets one extra
     * burst. Sweeps run at most every idleTimeout / 4 (claimed by CAS on `nextSweepAt`), during
     * ordinary calls and in makeRoom, so their cost is amortised.
     *
     * When the map is full and nothing is idle, the least recently used of a sample of buckets is
     * evicted (counted as evictedFull): bounded memory under a flood of new keys.
     */
    private static final int SAMPLE = 16;
    private static final VarHandle LAST;

    static {
        try {
            LAST = MethodHandles.lookup().findVarHandle(Bucket.class, "lastAccess", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final class Bucket {
        final BucketCore core;
        /** Clock time of the last use; written with opaque stores (a hint, not a hand-off). */
        long lastAccess;

        Bucket(BucketCore core, long now) {
            this.core = core;
            this.lastAccess = now;
        }
    }

    private final LimiterShared shared;
    private final PrimitiveRegistry.Entry entry;
    private final Clock clock;
    private final Rate rate;
    private final long burst;
    private final int maxKeys;
    private final Duration idleTimeout;
    private final long idleNanos;
    private final long sweepEveryNanos;
    private final ConcurrentHashMap<K, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicInteger slots = new AtomicInteger();
    private final AtomicLong nextSweepAt;
    private final LongAdder evictedIdle = new LongAdder();
    private final LongAdder evictedFull = new LongAdder();

    KeyedRateLimiterImpl(LimiterShared shared, PrimitiveRegistry.Entry entry, Clock clock, Rate rate, long burst,
            int maxKeys, Duration idleTimeout) {
        this.shared = shared;
        this.entry = entry;
        this.clock = clock;
        this.rate = rate;
        this.burst = burst;
        this.maxKeys = maxKeys;
        this.idleTimeout = idleTimeout;
        this.idleNanos = saturatedNanos(idleTimeout);
        this.sweepEveryNanos = Math.max(1, idleNanos / 4);
        this.nextSweepAt = new AtomicLong(clock.nanoTime() + sweepEveryNanos);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 2;
        }
    }

    @Override
    public boolean allow(K key) {
        return allow(key, 1);
    }

    @Override
    public boolean allow(K key, long n) {
        checkKey(key);
        shared.checkN(n);
        shared.ensureOpen("allow");
        if (n == 0 || bucket(key).core.tryTake(n)) {
            shared.allowed.increment();
            return true;
        }
        shared.denied.increment();
        return false;
    }

    @Override
    public void await(Context ctx, K key) throws InterruptedException {
        await(ctx, key, 1);
    }

    @Override
    public void await(Context ctx, K key, long n) throws InterruptedException {
        if (ctx == null) {
            throw new InvalidConfigException(shared.component, "ctx", null, "must not be null",
                    "pass Context.background() to wait without a deadline");
        }
        checkKey(key);
        shared.checkN(n);
        shared.ensureOpen("await");
        BucketWait.await(bucket(key).core, shared, ctx, n);
    }

    @Override
    public double tokens(K key) {
        checkKey(key);
        Bucket b = buckets.get(key);
        return b == null ? burst : b.core.tokens();
    }

    private void checkKey(K key) {
        if (key == null) {
            throw new InvalidConfigException(shared.component, "key", null, "must not be null",
                    "use a non-null client key");
        }
    }

    /** Returns key's bucket, creating it (making room if full), and records the access. */
    private Bucket bucket(K key) {
        long now = clock.nanoTime();
        if (now - nextSweepAt.get() >= 0) {
            sweep(now, false);
        }
        Bucket b = buckets.get(key);
        if (b == null) {
            b = create(key, now);
        } else if ((long) LAST.getOpaque(b) != now) {
            LAST.setOpaque(b, now);
        }
        return b;
    }

    private Bucket create(K key, long now) {
        while (true) {
            int used = slots.get();
            if (used < maxKeys) {
                if (slots.compareAndSet(used, used + 1)) {
                    break;
                }
            } else {
                Bucket existing = buckets.get(key);
                if (existing != null) {
                    return existing;
                }
                makeRoom(now);
            }
        }
        Bucket fresh = new Bucket(new BucketCore(clock, rate, burst, burst), now);
        Bucket prev = buckets.putIfAbsent(key, fresh);
        if (prev != null) {
            slots.decrementAndGet();
            return prev;
        }
        return fresh;
    }

    private void makeRoom(long now) {
        if (sweep(now, false) > 0) {
            return;
        }
        K oldestKey = null;
        Bucket oldest = null;
        int seen = 0;
        for (Iterator<Map.Entry<K, Bucket>> it = buckets.entrySet().iterator(); it.hasNext() && seen < SAMPLE; seen++) {
            Map.Entry<K, Bucket> e = it.next();
            if (oldest == null || (long) LAST.getOpaque(e.getValue()) - (long) LAST.getOpaque(oldest) < 0) {
                oldestKey = e.getKey();
                oldest = e.getValue();
            }
        }
        if (oldest != null && buckets.remove(oldestKey, oldest)) {
            slots.decrementAndGet();
            evictedFull.increment();
        } else {
            Thread.onSpinWait(); // another thread is making room; retry
        }
    }

    /** Removes idle full buckets if a sweep is due (or forced); returns how many. */
    private int sweep(long now, boolean force) {
        long due = nextSweepAt.get();
        if (!force && (now - due < 0 || !nextSweepAt.compareAndSet(due, now + sweepEveryNanos))) {
            return 0;
        }
        int removed = 0;
        for (Map.Entry<K, Bucket> e : buckets.entrySet()) {
            Bucket b = e.getValue();
            if (now - (long) LAST.getOpaque(b) >= idleNanos && b.core.isFull() && buckets.remove(e.getKey(), b)) {
                slots.decrementAndGet();
                evictedIdle.increment();
                removed++;
            }
        }
        return removed;
    }

    @Override
    public int evictIdle() {
        return sweep(clock.nanoTime(), true);
    }

    @Override
    public Rate rate() {
        return rate;
    }

    @Override
    public long burst() {
        return burst;
    }

    @Override
    public int size() {
        return slots.get(); // exact when quiescent; ConcurrentHashMap.size() can overshoot under updates
    }

    @Override
    public int maxKeys() {
        return maxKeys;
    }

    @Override
    public String name() {
        return shared.name;
    }

    @Override
    public Primitive.Kind kind() {
        return Primitive.Kind.KEYED_RATE_LIMITER;
    }

    @Override
    public KeyedRateLimiterStats stats() {
        return new KeyedRateLimiterStats(rate.eventsPerSecond(), burst, slots.get(), maxKeys, idleTimeout,
                shared.allowed.sum(), shared.denied.sum(), shared.waited.sum(), evictedIdle.sum(), evictedFull.sum());
    }

    @Override
    public void close() {
        if (shared.close()) {
            entry.release();
            buckets.clear();
            slots.set(0);
        }
    }

    @Override
    public String toString() {
        return shared.component + "[rate=" + rate + ", burst=" + burst + ", keys=" + slots.get() + "/" + maxKeys
                + "]";
    }
}
