package goflow.redis.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import goflow.api.InvalidConfigException;
import goflow.api.Registration;
import goflow.api.context.Context;
import goflow.api.ratelimit.KeyedRateLimiterStats;
import goflow.api.ratelimit.Rate;
import goflow.redis.FailurePolicy;
import goflow.redis.RedisKeyedRateLimiter;
import goflow.redis.RedisLimiterStats;

/**
 * The fleet-wide keyed limiter: one bucket key per client key
 * ({@code goflow:rl:{name}:k:<key>}, or the SHA-1 of a key longer than 200 characters or with a lone
 * surrogate), all in the slot of the limiter's configuration.
 *
 * <p>Thread-safe. {@link #states} holds the local state of keys that need one (a local lease, or
 * a local fallback bucket once Redis failed), at most {@code maxKeys} and none once closed; without
 * lease and without the LOCAL policy no key needs local state and the map stays empty.
 *
 * @param <K> the key type
 */
/*
 * Making room for a new key costs O(1) amortised, however many keys arrive: the idle states are
 * swept at most every idleTimeout / 4 (claimed by CAS on nextSweepAt, as the in-memory keyed
 * limiter does), and otherwise one state is evicted at the position of a cursor that goes round the
 * map. (Sweeping at every new key scanned all maxKeys states, each under its monitor, whenever none
 * was idle - with Redis down and LOCAL, every key's fallback bucket - about 2 ms per key at
 * maxKeys = 50 000; taking "the first one the map yields" scans the emptied bins at the start of
 * the table again at every eviction.) The cursor is a weakly consistent iterator: an entry it
 * yields that was replaced or removed meanwhile is skipped (remove(key, value)).
 */
final class RedisKeyedRateLimiterImpl<K> implements RedisKeyedRateLimiter<K> {
    private static final int LONGEST_KEY = 200;

    private final LimiterCore core;
    private final Function<? super K, String> keyName;
    private final int maxKeys;
    private final Duration idleTimeout;
    private final long idleNanos;
    private final boolean needsState;
    private final Map<String, LimiterCore.KeyState> states = new ConcurrentHashMap<>();
    /** Shared by keys that need no local state. */
    private final LimiterCore.KeyState stateless;
    private final LongAdder evictedIdle = new LongAdder();
    private final LongAdder evictedFull = new LongAdder();
    /** When the next idle sweep while making room is due, on the core's clock; claimed by CAS. */
    private final AtomicLong nextSweepAt;
    private final long sweepEveryNanos;
    /**
     * Serialises the insertion of new keys (with the room made for them), so that the map never
     * holds more than maxKeys states: a check of the size before taking it would let every thread
     * that passed it insert. Lookups of known keys and removals do not take it.
     */
    private final Object insertion = new Object();
    /** Where eviction goes on round the map; null before the first. Guarded by {@link #insertion}. */
    private Iterator<Map.Entry<String, LimiterCore.KeyState>> cursor;
    private volatile Registration listing = Registration.NONE;

    RedisKeyedRateLimiterImpl(LimiterBuilders.Common b, Function<? super K, String> keyName) {
        this.core = new LimiterCore(b, Kind.KEYED_RATE_LIMITER.label());
        this.keyName = keyName;
        this.maxKeys = b.maxKeys;
        this.idleTimeout = b.idleTimeout;
        this.idleNanos = b.idleTimeout.toNanos();
        this.needsState = b.leaseTokens > 0 || b.policy == FailurePolicy.LOCAL;
        this.stateless = core.new KeyState();
        this.sweepEveryNanos = Math.max(1, idleNanos / 4);
        this.nextSweepAt = new AtomicLong(core.clock.nanoTime());
    }

    void listing(Registration r) {
        listing = r;
    }

    LimiterCore core() {
        return core;
    }

    private String name(K key) {
        if (key == null) {
            throw new InvalidConfigException(core.component, "key", null, "must not be null", "");
        }
        String s = keyName.apply(key);
        if (s == null) {
            throw new InvalidConfigException(core.component, "key", key, "its name must not be null",
                    "the key-name function returned null");
        }
        return s;
    }

    /**
     * The bucket of a key name: {@code :k:<name>}; {@code :h:<SHA-1 of its UTF-8>} when longer than
     * {@link #LONGEST_KEY}; {@code :u:<SHA-1 of its UTF-16 chars>} when it has a lone surrogate, which
     * UTF-8 cannot write (Jedis and getBytes write {@code ?}: such names shared a bucket).
     */
    private static String bucketSuffix(String name) {
        boolean lone = RedisLeases.hasLoneSurrogate(name);
        if (name.length() <= LONGEST_KEY && !lone) {
            return ":k:" + name;
        }
        byte[] bytes;
        if (lone) {
            bytes = new byte[name.length() * 2];
            for (int i = 0; i < name.length(); i++) {
                bytes[2 * i] = (byte) (name.charAt(i) >> 8);
                bytes[2 * i + 1] = (byte) name.charAt(i);
            }
        } else {
            bytes = name.getBytes(StandardCharsets.UTF_8);
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(bytes);
            StringBuilder hex = new StringBuilder(lone ? ":u:" : ":h:");
            for (byte b : d) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String bucket(String name) {
        return core.keyPrefix + bucketSuffix(name);
    }

    /**
     * The local state of a key name, made (and room made for it) if it has none; {@code operation}
     * names the call in the ClosedException of a limiter closed meanwhile.
     */
    private LimiterCore.KeyState state(String name, String operation) {
        if (!needsState) {
            return stateless;
        }
        LimiterCore.KeyState s = states.get(name);
        if (s != null) {
            return s;
        }
        synchronized (insertion) {
            s = states.get(name);
            if (s != null) {
                return s;
            }
            if (states.size() >= maxKeys) {
                makeRoom();
            }
            s = core.new KeyState();
            states.put(name, s);
            if (core.isClosed()) {
                // close() marks the limiter closed, then clears the map: this put came after the clear
                // of its bin, which it would have left in the closed limiter
                states.remove(name, s);
                core.checkOpen(operation);
            }
            return s;
        }
    }

    /**
     * Evicts the idle states if a sweep is due; if it is not, or none was idle, the cursor's next
     * state. Holds {@link #insertion}.
     */
    private void makeRoom() {
        long now = core.clock.nanoTime();
        long due = nextSweepAt.get();
        if (now - due >= 0 && nextSweepAt.compareAndSet(due, now + sweepEveryNanos) && evictIdle() > 0) {
            return;
        }
        for (int round = 0; round < 2; round++) { // the rest of this round, then one more from the start
            if (cursor == null || !cursor.hasNext()) {
                cursor = states.entrySet().iterator();
            }
            while (cursor.hasNext()) {
                Map.Entry<String, LimiterCore.KeyState> e = cursor.next();
                if (states.remove(e.getKey(), e.getValue())) {
                    evictedFull.increment();
                    return;
                }
            }
        }
    }

    /**
     * The name of a key whose call is not refused for its arguments or a closed limiter: checked
     * before {@link #state} makes room for the key, which may evict another key's state.
     */
    private String checked(K key, String operation, long tokens) {
        String n = name(key);
        LimiterCore.checkN(core.component, tokens);
        core.checkOpen(operation);
        return n;
    }

    /**
     * The state a call for {@code tokens} of key name {@code n} uses: the key's own, or the shared
     * {@link #stateless} when the call uses none, so that it neither creates local state nor evicts
     * another key's to make room for it (which took that key's leased tokens or gave it a full
     * fallback bucket again). Zero tokens are admitted without a bucket; without LOCAL only a single
     * token uses the lease, more are taken in Redis. More than the burst at a limited rate are never
     * admitted: such a call still goes to Redis (which knows the fleet's burst, should this node's
     * view be stale), and its LOCAL fallback refuses it (the local burst is a share of the burst).
     */
    private LimiterCore.KeyState stateFor(String n, long tokens, String operation) {
        if (tokens == 0 || core.aboveBurst(tokens) || (core.policy != FailurePolicy.LOCAL && tokens != 1)) {
            return stateless;
        }
        return state(n, operation);
    }

    @Override
    public boolean allow(K key) {
        return allow(key, 1);
    }

    @Override
    public boolean allow(K key, long tokens) {
        String n = checked(key, "allow", tokens);
        return core.allow(stateFor(n, tokens, "allow"), bucket(n), tokens);
    }

    @Override
    public void await(Context ctx, K key) throws InterruptedException {
        await(ctx, key, 1);
    }

    @Override
    public void await(Context ctx, K key, long tokens) throws InterruptedException {
        String n = checked(key, "await", tokens);
        // a null context is refused by the core before it uses the state: give it none to make room for
        core.await(ctx, ctx == null ? stateless : stateFor(n, tokens, "await"), bucket(n), tokens);
    }

    @Override
    public double tokens(K key) {
        String n = name(key);
        return core.tokens(states.get(n), bucket(n), core.burst());
    }

    @Override
    public Rate rate() {
        return core.rate();
    }

    @Override
    public long burst() {
        return core.burst();
    }

    @Override
    public int size() {
        return states.size();
    }

    @Override
    public int maxKeys() {
        return maxKeys;
    }

    @Override
    public int evictIdle() {
        long now = core.clock.nanoTime();
        int n = 0;
        for (Map.Entry<String, LimiterCore.KeyState> e : states.entrySet()) {
            if (e.getValue().idle(now, idleNanos) && states.remove(e.getKey(), e.getValue())) {
                n++;
            }
        }
        evictedIdle.add(n);
        return n;
    }

    @Override
    public KeyedRateLimiterStats stats() {
        return new KeyedRateLimiterStats(core.rate().eventsPerSecond(), core.burst(), states.size(), maxKeys,
                idleTimeout, core.allowed.sum(), core.denied.sum(), core.waited.sum(), evictedIdle.sum(),
                evictedFull.sum());
    }

    @Override
    public FailurePolicy failurePolicy() {
        return core.policy;
    }

    @Override
    public RedisLimiterStats backendStats() {
        return core.backendStats();
    }

    @Override
    public void setRate(double eventsPerSecond) {
        core.setRate(eventsPerSecond);
    }

    @Override
    public void setBurst(long burst) {
        core.setBurst(burst);
    }

    @Override
    public String name() {
        return core.name;
    }

    @Override
    public Kind kind() {
        return Kind.KEYED_RATE_LIMITER;
    }

    @Override
    public void close() {
        if (core.close()) {
            states.clear(); // after closed is set: a state put after this clear sees it and is taken out
            core.conn.release(core.name, this);
            listing.close();
        }
    }

    @Override
    public String toString() {
        return "RedisKeyedRateLimiter[" + core.name + " on " + core.conn.name() + ", rate=" + core.rate() + ", burst="
                + core.burst() + ", " + core.policy + "]";
    }
}
