package goflow.impl.ratelimit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import goflow.api.Clock;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.context.Context;
import goflow.api.ratelimit.BurstExceededException;
import goflow.api.ratelimit.KeyedRateLimiter;
import goflow.api.ratelimit.KeyedRateLimiterStats;
import goflow.api.ratelimit.Rate;
import goflow.impl.internal.Durations;
import goflow.impl.internal.PrimitiveRegistry;

/**
 * The {@link KeyedRateLimiter}: a concurrent map from key to a {@link BucketCore}, bounded by
 * {@code maxKeys}, swept of idle full buckets during operations, and making room for a new key by
 * evicting the least recently used of a random sample of buckets.
 *
 * <p>Thread-safe.
 */
final class KeyedRateLimiterImpl<K> implements KeyedRateLimiter<K> {
    /*
     * Implementation notes.
     *
     * Lookups of existing keys are lock-free (ConcurrentHashMap.get plus an opaque store of the access
     * time). Every structural change - a new key, an eviction, an idle removal - runs under
     * `structure`, so the map never holds more than maxKeys buckets and the slot table below always
     * matches it.
     *
     * Slot table: the buckets of the map also sit densely in `table[0 .. count)`, each knowing its
     * index; a removal moves the last one into the hole. The table grows with the map (doubling, up
     * to maxKeys), so memory follows the keys held. When the map is full, a new key evicts the least recently used
     * of SAMPLE buckets at random indices (as Redis samples its keys): O(1) per new key however many
     * evictions came before. (Sampling by iterating the map, as before, scanned from the start of a
     * table that fills with emptied bins under a flood of new keys: 76 us per key after 300k
     * evictions at maxKeys = 100 000.)
     *
     * Idle eviction removes a bucket only when it was unused for idleTimeout AND is full now: a full
     * bucket is what a new one would be, so forgetting it changes no decision. A bucket taken from the
     * map just as it is removed serves that one call; at worst one client gets one extra burst. Sweeps
     * run at most every idleTimeout / 4 (claimed by CAS on `nextSweepAt`), at the start of an ordinary
     * call (bucket(); making room samples instead, see SAMPLE) and from evictIdle(), and only once a call
     * per SWEEP_CALLS_PER_KEY keys held came since the last one,
     * so their cost is amortised over at least idleTimeout / 4 and over the calls: a sweep examines
     * every key, and a tiny idleTimeout made every call examine every key.
     */
    private static final int SAMPLE = 16;
    /**
     * A sweep examines every key, so it runs only after one call per this many keys since the last
     * one: at most 16 buckets examined per call, amortised, however small idleTimeout is.
     */
    private static final int SWEEP_CALLS_PER_KEY = 16;
    private static final VarHandle LAST;

    static {
        try {
            LAST = MethodHandles.lookup().findVarHandle(Bucket.class, "lastAccess", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final class Bucket<K> {
        final K key;
        final BucketCore core;
        /** Clock time of the last use; written with opaque stores (a hint, not a hand-off). */
        long lastAccess;
        /** Its index in the slot table; guarded by {@code structure}. */
        int slot;

        Bucket(K key, BucketCore core, long now) {
            this.key = key;
            this.core = core;
            this.lastAccess = now;
        }
    }

    private final LimiterState shared;
    private final PrimitiveRegistry.Entry entry;
    private final Clock clock;
    private final Rate rate;
    private final long burst;
    private final int maxKeys;
    private final Duration idleTimeout;
    private final long idleNanos;
    private final long sweepEveryNanos;
    private final ConcurrentHashMap<K, Bucket<K>> buckets = new ConcurrentHashMap<>();
    /** Serialises structural changes: creation, eviction, removal of idle buckets. */
    private final ReentrantLock structure = new ReentrantLock();
    /** Every bucket of the map in {@code table[0 .. size)}; guarded by {@code structure}. */
    private Bucket<?>[] table = new Bucket<?>[16];
    /**
     * How many buckets the map holds; written under {@code structure}, read freely. Invariants:
     * neither {@code size} nor the map's entries ever exceed {@code maxKeys}, and both equal the
     * table's entries whenever {@code structure} is free (a key whose hashCode or equals changed in
     * use gets the map rebuilt from the table, see remove). The bound holds however many threads
     * bring new keys at once because the check against {@code maxKeys} and the insertion happen in
     * one hold of {@code structure} (a check before taking it would let every thread that passed it
     * insert).
     */
    private volatile int size;
    /** Slot-table entries examined to make room: what eviction costs, for the tests. */
    private final LongAdder probes = new LongAdder();
    /** Buckets examined by idle sweeps: what sweeping costs, for the tests. */
    private final LongAdder sweepProbes = new LongAdder();
    private final AtomicLong nextSweepAt;
    /**
     * The calls (allowed plus denied) counted when the last sweep ran; written by the thread that
     * claimed the sweep on {@code nextSweepAt}.
     */
    private volatile long callsAtSweep;
    private final LongAdder evictedIdle = new LongAdder();
    private final LongAdder evictedFull = new LongAdder();

    KeyedRateLimiterImpl(LimiterState shared, PrimitiveRegistry.Entry entry, Clock clock, Rate rate, long burst,
            int maxKeys, Duration idleTimeout) {
        this.shared = shared;
        this.entry = entry;
        this.clock = clock;
        this.rate = rate;
        this.burst = burst;
        this.maxKeys = maxKeys;
        this.idleTimeout = idleTimeout;
        this.idleNanos = Durations.toNanosSaturated(idleTimeout);
        this.sweepEveryNanos = Math.max(1, idleNanos / 4);
        this.nextSweepAt = new AtomicLong(clock.nanoTime() + sweepEveryNanos);
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
        if (n == 0 || (!neverAdmitted(n) && bucket(key).core.tryTake(n))) {
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
        if (neverAdmitted(n)) {
            shared.denied.increment();
            throw new BurstExceededException(shared.component, n, burst);
        }
        BucketWait.await(bucket(key).core, shared, ctx, n);
    }

    /**
     * Whether a request of {@code n} can never be admitted (more than the burst, at a limited rate):
     * it is decided without its key's bucket, so that it neither creates one nor evicts another
     * key's to make room (which would give that key a full bucket again).
     */
    private boolean neverAdmitted(long n) {
        return n > burst && !rate.isUnlimited();
    }

    @Override
    public double tokens(K key) {
        checkKey(key);
        Bucket<K> b = buckets.get(key);
        return b == null ? burst : b.core.tokens();
    }

    private void checkKey(K key) {
        if (key == null) {
            throw new InvalidConfigException(shared.component, "key", null, "must not be null",
                    "use a non-null client key");
        }
    }

    /** Returns key's bucket, creating it (making room if full), and records the access. */
    private Bucket<K> bucket(K key) {
        long now = clock.nanoTime();
        if (now - nextSweepAt.get() >= 0) {
            sweep(now, false);
        }
        Bucket<K> b = buckets.get(key);
        if (b == null) {
            b = create(key, now);
        } else if ((long) LAST.getOpaque(b) != now) {
            LAST.setOpaque(b, now);
        }
        return b;
    }

    private Bucket<K> create(K key, long now) {
        structure.lock();
        try {
            Bucket<K> existing = buckets.get(key);
            if (existing != null) {
                return existing;
            }
            int n = size;
            if (n == maxKeys) {
                evictLeastRecentlyUsedOfASample();
                n = size;
            }
            Bucket<K> fresh = new Bucket<>(key, new BucketCore(clock, rate, burst, burst), now);
            if (n == table.length) {
                table = Arrays.copyOf(table, (int) Math.min(maxKeys, 2L * n));
            }
            fresh.slot = n;
            table[n] = fresh;
            buckets.put(key, fresh);
            size = n + 1;
            return fresh;
        } finally {
            structure.unlock();
        }
    }

    /** The map is full: evicts the least recently used of SAMPLE buckets at random indices. Holds structure. */
    private void evictLeastRecentlyUsedOfASample() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Bucket<?> oldest = null;
        for (int i = 0; i < SAMPLE; i++) {
            Bucket<?> b = table[random.nextInt(maxKeys)]; // the map is full: every index holds a bucket
            if (oldest == null || (long) LAST.getOpaque(b) - (long) LAST.getOpaque(oldest) < 0) {
                oldest = b;
            }
        }
        probes.add(SAMPLE);
        @SuppressWarnings("unchecked")
        Bucket<K> victim = (Bucket<K>) oldest;
        remove(victim);
        evictedFull.increment();
    }

    /**
     * Takes a bucket out of the map and the slot table (the last one fills its index). Holds structure.
     * A key whose hashCode or equals changed since it was inserted (a mutable key changed in use), or
     * now throws, cannot be found to be removed: its entry stayed in the map for ever while the slot
     * table let a new key in, so the map grew past maxKeys without bound. Then the map is rebuilt
     * from the slot table, which is always right: O(keys held), paid only for such keys.
     */
    private void remove(Bucket<K> b) {
        boolean found;
        try {
            found = buckets.remove(b.key, b);
        } catch (RuntimeException keyThrew) {
            found = false;
        }
        removeFromTable(b);
        if (!found) {
            rebuildMap();
        }
    }

    /** Takes a bucket out of the slot table only. Holds structure. */
    private void removeFromTable(Bucket<?> b) {
        int last = size - 1;
        Bucket<?> moved = table[last];
        table[b.slot] = moved;
        moved.slot = b.slot;
        table[last] = null;
        size = last;
    }

    /**
     * Makes the map hold exactly the slot table's buckets again, each under its key's present hash;
     * a bucket whose key now throws, or now equals another held key, is dropped (it could not be
     * found anyway). A lookup that misses meanwhile goes to {@link #create}, which waits for
     * {@code structure} and finds the bucket again. Holds structure.
     */
    private void rebuildMap() {
        buckets.clear();
        for (int i = 0; i < size;) {
            @SuppressWarnings("unchecked")
            Bucket<K> b = (Bucket<K>) table[i];
            boolean kept;
            try {
                kept = buckets.putIfAbsent(b.key, b) == null;
            } catch (RuntimeException keyThrew) {
                kept = false;
            }
            if (kept) {
                i++;
            } else {
                removeFromTable(b); // the last one moves into index i: examine it next
                evictedFull.increment();
            }
        }
    }

    /** Removes idle full buckets if a sweep is due (or forced); returns how many. */
    private int sweep(long now, boolean force) {
        long due = nextSweepAt.get();
        if (!force && (now - due < 0 || !nextSweepAt.compareAndSet(due, now + sweepEveryNanos))) {
            return 0;
        }
        long calls = shared.allowed.sum() + shared.denied.sum();
        if (!force && calls - callsAtSweep < size / SWEEP_CALLS_PER_KEY) {
            return 0; // too few calls since the last sweep to pay for examining every key: a later one will
        }
        callsAtSweep = calls;
        int removed = 0;
        int examined = 0;
        for (Bucket<K> b : buckets.values()) {
            examined++;
            if (now - (long) LAST.getOpaque(b) >= idleNanos && b.core.isFull()) {
                structure.lock();
                try {
                    // still held: the slot table says, not the key's hashCode (which may have changed or throw)
                    if (b.slot < size && table[b.slot] == b) {
                        remove(b);
                        evictedIdle.increment();
                        removed++;
                    }
                } finally {
                    structure.unlock();
                }
            }
        }
        sweepProbes.add(examined);
        return removed;
    }

    /** Slot-table entries examined to make room so far (tests). */
    long evictionProbes() {
        return probes.sum();
    }

    /** Buckets examined by idle sweeps so far (tests). */
    long sweepProbes() {
        return sweepProbes.sum();
    }

    /** The entries of the map itself, counted apart from {@code size} (tests). */
    int keysInMap() {
        return buckets.size();
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
        return size;
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
        return new KeyedRateLimiterStats(rate.eventsPerSecond(), burst, size, maxKeys, idleTimeout,
                shared.allowed.sum(), shared.denied.sum(), shared.waited.sum(), evictedIdle.sum(), evictedFull.sum());
    }

    @Override
    public void close() {
        if (shared.close()) {
            entry.release();
            structure.lock();
            try {
                buckets.clear();
                Arrays.fill(table, null);
                size = 0;
            } finally {
                structure.unlock();
            }
        }
    }

    @Override
    public String toString() {
        return shared.component + "[rate=" + rate + ", burst=" + burst + ", keys=" + size + "/" + maxKeys
                + "]";
    }
}
