package goflow.redis.internal;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.Registration;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.ratelimit.BurstExceededException;
import goflow.api.ratelimit.Rate;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.ratelimit.Reservation;
import goflow.api.ratelimit.ZeroRateException;
import goflow.redis.FailurePolicy;
import goflow.redis.RedisLimiterStats;

/**
 * What the Redis token bucket and the Redis keyed limiter share: the round trip of the GCRA script
 * for one bucket, the fleet's configuration as this node last saw it (and a change of it still to
 * be written), the failure policy, the local lease, waiting, and the counters.
 *
 * <p>Thread-safe. {@link #fleet} is the fleet's rate and burst from the last reply (volatile);
 * {@link #pending} a change of configuration this node made that Redis has not confirmed yet (written with
 * the next call, which also makes it the fleet's); counters are adders.
 */
final class LimiterCore {
    private static final System.Logger LOG = System.getLogger(LimiterCore.class.getName());
    /** How long Redis keeps a limiter's configuration while no node uses it. */
    private static final String CONF_TTL_MS = Long.toString(Duration.ofDays(1).toMillis());
    /** The longest chunk a waiter parks, so close() is noticed. */
    private static final long PARK_CHUNK = TimeUnit.MILLISECONDS.toNanos(50);
    /**
     * The longest wait a reservation takes tokens for, in microseconds: the longest that is still a
     * {@code long} of nanoseconds (even, so exact as the script's double), as the local token bucket's
     * reserve refuses a wait beyond {@link Long#MAX_VALUE} ns.
     */
    private static final long MAX_RESERVE_WAIT_MICROS = Long.MAX_VALUE / 1000 - 1;

    /** The fleet's rate and burst. Immutable. */
    record Conf(double rate, long burst) {
        String rateArg() {
            return Double.isInfinite(rate) ? "inf" : Double.toString(rate);
        }
    }

    /**
     * A change of the configuration this node made: the values, and which of them it changed
     * ({@code "r"}, {@code "b"} or {@code "rb"}, the script's ARGV[6]): a field it did not change is
     * not written back, so that a change made on another node since this one last saw it stays.
     * Immutable.
     */
    record Change(Conf conf, String fields) { }

    /**
     * One reply of the GCRA script, its wait in nanoseconds: -1 when the tokens never come (more than
     * the burst, or a zero rate); {@link Long#MAX_VALUE} when they would take that long or longer (a
     * rate so small that it is zero in effect); {@code tat} the bucket's TAT after the decision, as
     * the script wrote it (what a cancelled reservation sends back), or "-" when the reply has none.
     */
    record Reply(long granted, long waitNanos, double tokens, String tat) { }

    final ConnectionImpl conn;
    /** Names the limiter in errors, e.g. {@code token-bucket 'api'}. */
    final String component;
    final String name;
    /** Every key of this limiter starts with it; its hash tag puts them in one cluster slot. */
    final String keyPrefix;
    private final String confKey;
    final Clock clock;
    final FailurePolicy policy;
    private final double share;
    /** Tokens per local lease; 0 when the lease is off. */
    final int leaseTokens;
    private final long leaseMaxAgeNanos;

    private volatile Conf fleet;
    private volatile Change pending;
    private volatile double lastTokens;
    private volatile String lastError;
    private volatile boolean closed;
    private final AtomicBoolean closing = new AtomicBoolean();

    final LongAdder allowed = new LongAdder();
    final LongAdder denied = new LongAdder();
    final LongAdder waited = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    private final LongAdder roundTrips = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();
    private final LongAdder fallbackAllowed = new LongAdder();
    private final LongAdder leaseHits = new LongAdder();
    private final LongAdder leaseDropped = new LongAdder();

    LimiterCore(LimiterBuilders.Common b, String kindLabel) {
        this.conn = b.conn;
        this.name = b.name;
        this.component = kindLabel + " '" + b.name + "'";
        this.keyPrefix = "goflow:rl:{" + b.name + "}";
        this.confKey = keyPrefix + ":conf";
        this.clock = b.clock;
        this.policy = b.policy;
        this.share = b.share;
        this.leaseTokens = b.leaseTokens;
        this.leaseMaxAgeNanos = b.leaseMaxAge == null ? 0 : b.leaseMaxAge.toNanos();
        this.fleet = new Conf(b.rate, b.burst);
        this.pending = new Change(fleet, "rb");
        this.lastTokens = b.burst;
    }

    /** Writes the configuration the limiter was built with (best effort: else with the next call). */
    void publishConfiguration() {
        try {
            call(keyPrefix, "c", 0, 0);
        } catch (RedisFailure e) {
            LOG.log(Level.DEBUG, () -> component + ": configuration not written yet: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ the round trip

    Reply call(String bucketKey, String mode, long n, long maxWaitMicros) throws RedisFailure {
        return call(bucketKey, mode, n, Long.toString(maxWaitMicros));
    }

    /** One round trip of the GCRA script; {@code arg3} is its ARGV[3] (see {@link Scripts#GCRA}). */
    private Reply call(String bucketKey, String mode, long n, String arg3) throws RedisFailure {
        Change p = pending;
        Conf sent = p != null ? p.conf : fleet;
        roundTrips.increment();
        Object raw;
        try {
            String[] keys = {bucketKey, confKey};
            String[] args = {mode, Long.toString(n), arg3, sent.rateArg(), Long.toString(sent.burst),
                p != null ? p.fields : "0", CONF_TTL_MS};
            // a refund run twice would give its tokens back twice: never sent again (ConnectionImpl)
            raw = mode.equals("f") ? conn.evalOnce(Scripts.GCRA, keys, args) : conn.eval(Scripts.GCRA, keys, args);
        } catch (RedisFailure e) {
            failures.increment();
            lastError = e.getMessage();
            throw e;
        }
        Reply reply;
        double rate;
        long burst;
        try {
            List<?> r = (List<?>) raw;
            rate = parseRate(text(r.get(3)));
            burst = (long) Double.parseDouble(text(r.get(4)));
            reply = new Reply(Long.parseLong(text(r.get(0))), waitNanos(text(r.get(1))),
                    Double.parseDouble(text(r.get(2))), r.size() > 5 ? text(r.get(5)) : "-");
        } catch (RuntimeException e) {
            // not the script's reply (a proxy or a Redis look-alike in between): a failure its policy
            // decides, as an error reply is, never a ClassCastException out of allow()
            failures.increment();
            lastError = "redis " + conn.endpoint() + " answered " + Scripts.GCRA.name() + " on " + bucketKey
                    + " with an unexpected reply: " + e;
            throw new RedisFailure(lastError, false, e);
        }
        if (p != null) {
            synchronized (this) {
                if (pending == p) {
                    pending = null;
                }
            }
        }
        Conf seen = fleet;
        if (seen.rate != rate || seen.burst != burst) {
            fleet = new Conf(rate, burst);
        }
        lastTokens = reply.tokens;
        return reply;
    }

    private static String text(Object o) {
        return o instanceof byte[] ? new String((byte[]) o, StandardCharsets.US_ASCII) : String.valueOf(o);
    }

    /**
     * The script's wait (whole microseconds, as many digits as a tiny rate needs; "-1" for never) in
     * nanoseconds, {@link Long#MAX_VALUE} when it does not fit a long of nanoseconds.
     */
    static long waitNanos(String micros) {
        double us = Double.parseDouble(micros);
        if (us < 0) {
            return -1;
        }
        return us >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : (long) us * 1000;
    }

    private static double parseRate(String s) {
        return s.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(s);
    }

    // ------------------------------------------------------------------ decisions

    void checkOpen(String operation) {
        if (closed) {
            throw new ClosedException(component + " is closed: " + operation + " refused");
        }
    }

    /**
     * Whether {@code n} tokens are more than the burst at a limited rate, as this node last saw the
     * fleet's configuration: Redis then never grants them.
     */
    boolean aboveBurst(long n) {
        return aboveBurst(fleet, n);
    }

    /** Whether {@code n} tokens are more than {@code c}'s burst at a limited rate. */
    private static boolean aboveBurst(Conf c, long n) {
        return n > c.burst && !Double.isInfinite(c.rate);
    }

    /** Whether {@link #close} was called. */
    boolean isClosed() {
        return closed;
    }

    static void checkN(String component, long n) {
        if (n < 0) {
            throw new InvalidConfigException(component, "n", n, "must be zero or positive",
                    "the number of tokens asked for");
        }
    }

    /**
     * One attempt to take {@code n} tokens of a bucket now.
     *
     * @return 0 when taken; otherwise the nanoseconds until Redis will have them ({@link Long#MAX_VALUE}
     *     when that many or more), or -1 when it never will (more than the burst, or a zero rate)
     */
    long attempt(KeyState ks, String bucketKey, long n) throws RedisFailure {
        if (ks.lease != null && n == 1) {
            return leased(ks.lease, bucketKey);
        }
        Reply r = call(bucketKey, "a", n, 0);
        return r.granted > 0 ? 0 : r.waitNanos < 0 ? -1 : Math.max(1, r.waitNanos);
    }

    /** One token through the local lease; see {@link LocalLease}. */
    private long leased(LocalLease l, String bucketKey) throws RedisFailure {
        long now = clock.nanoTime();
        if (l.tryTake(now)) {
            leaseHits.increment();
            return 0;
        }
        if (l.deniedAt(now)) {
            leaseHits.increment();
            return l.deniedWait(now);
        }
        l.refill.lock();
        try {
            now = clock.nanoTime();
            if (l.tryTake(now)) {
                leaseHits.increment();
                return 0;
            }
            if (l.deniedAt(now)) {
                leaseHits.increment();
                return l.deniedWait(now);
            }
            long left = l.tokens.getAndSet(0);
            if (left > 0) {
                leaseDropped.add(left);
            }
            Reply r = call(bucketKey, "t", leaseTokens, 0);
            if (r.granted >= 1) {
                l.tokens.set(r.granted - 1);
                l.expiresNanos = now + leaseMaxAgeNanos;
                l.never = false;
                l.beyondRange = false;
                return 0;
            }
            l.never = r.waitNanos < 0;
            l.beyondRange = r.waitNanos == Long.MAX_VALUE;
            // never, or not within Long.MAX_VALUE ns: refused locally for the lease's max age, then asked again
            long wait = l.never || l.beyondRange ? leaseMaxAgeNanos : Math.max(1, r.waitNanos);
            l.deniedUntilNanos = now + wait;
            return l.deniedWait(now);
        } finally {
            l.refill.unlock();
        }
    }

    boolean allow(KeyState ks, String bucketKey, long n) {
        checkN(component, n);
        checkOpen("allow");
        if (n == 0) {
            allowed.increment(); // an allow that returned true, as the local token bucket counts it
            return true;
        }
        long w;
        try {
            w = attempt(ks, bucketKey, n);
        } catch (RedisFailure e) {
            return fallbackAllow(ks, n);
        }
        if (w == 0) {
            allowed.increment();
            return true;
        }
        denied.increment();
        return false;
    }

    private boolean fallbackAllow(KeyState ks, long n) {
        fallbacks.increment();
        boolean ok;
        switch (policy) {
            case FAIL_OPEN:
                ok = true;
                break;
            case FAIL_CLOSED:
                ok = false;
                break;
            default:
                Conf c = fleet;
                ok = ks.local().allow(clock.nanoTime(), n, c.rate * share, localBurst(c));
                break;
        }
        if (ok) {
            fallbackAllowed.increment();
            allowed.increment();
        } else {
            denied.increment();
        }
        return ok;
    }

    private double localBurst(Conf c) {
        return Math.max(1, Math.floor(c.burst * share));
    }

    void await(Context ctx, KeyState ks, String bucketKey, long n) throws InterruptedException {
        if (ctx == null) {
            throw new InvalidConfigException(component, "ctx", null, "must not be null",
                    "use Context.background() for no deadline");
        }
        checkN(component, n);
        checkOpen("await");
        ctx.throwIfDone();
        if (n == 0) {
            return;
        }
        boolean hadToWait = false;
        while (true) {
            checkOpen("await");
            ctx.throwIfDone();
            long w;
            try {
                w = attempt(ks, bucketKey, n);
            } catch (RedisFailure e) {
                fallbacks.increment();
                if (policy == FailurePolicy.FAIL_OPEN) {
                    fallbackAllowed.increment();
                    allowed.increment();
                    return;
                }
                if (policy == FailurePolicy.LOCAL) {
                    awaitLocally(ctx, ks, n, hadToWait);
                    return;
                }
                // FAIL_CLOSED: nothing is admitted without Redis; ask again after a probe interval.
                hadToWait = true;
                sleep(ctx, conn.reconnectInterval().toNanos());
                continue;
            }
            if (w == 0) {
                allowed.increment();
                if (hadToWait) {
                    waited.increment();
                }
                return;
            }
            if (w < 0) {
                denied.increment();
                Conf c = fleet;
                if (aboveBurst(c, n)) {
                    throw new BurstExceededException(component, n, c.burst);
                }
                throw new ZeroRateException(component, n, Math.max(0, lastTokens));
            }
            long maxWait = ctx.remainingNanos();
            if (w == Long.MAX_VALUE && maxWait == Long.MAX_VALUE) {
                // no deadline, yet the tokens would take Long.MAX_VALUE ns (292 years) or more: a rate so
                // small it is zero in effect, as in the local token bucket (never a fake deadline: Go's B-TB2)
                denied.increment();
                throw new ZeroRateException(component, n, Math.max(0, lastTokens));
            }
            if (w == Long.MAX_VALUE || maxWait < w) {
                denied.increment();
                throw new DeadlineExceededException(component + ": " + n + " token(s) cannot be had before the "
                        + "deadline (Redis says they will be there in " + (w == Long.MAX_VALUE ? "more than " : "")
                        + Duration.ofNanos(w) + ")");
            }
            hadToWait = true;
            sleep(ctx, w);
        }
    }

    /** The rest of an await when Redis failed, with LOCAL; {@code hadToWait} if it waited for Redis before. */
    private void awaitLocally(Context ctx, KeyState ks, long n, boolean hadToWait) throws InterruptedException {
        Conf c = fleet;
        double burst = localBurst(c);
        if (n > burst && !Double.isInfinite(c.rate)) {
            denied.increment();
            throw new BurstExceededException(component + " (local fallback)", n, (long) burst);
        }
        double localRate = c.rate * share;
        long maxWait = ctx.remainingNanos();
        long now = clock.nanoTime();
        long wait = ks.local().reserve(now, n, localRate, burst, Math.max(0, maxWait));
        if (wait < 0) {
            denied.increment();
            if (localRate <= 0 || maxWait == Long.MAX_VALUE) {
                // Zero (the share of a positive rate may underflow to zero), or too late with no deadline:
                // the wait exceeds Long.MAX_VALUE ns (292 years) at a rate so small it is zero in effect,
                // as in the local token bucket. Never a deadline the context does not have (Go's B-TB2).
                throw new ZeroRateException(component + " (local fallback)", n,
                        Math.max(0, ks.local().tokens(clock.nanoTime(), localRate, burst)));
            }
            throw new DeadlineExceededException(component + ": " + n + " token(s) of the local fallback bucket "
                    + "cannot be had before the deadline");
        }
        try {
            if (wait > 0) {
                sleep(ctx, wait);
            }
        } catch (InterruptedException | RuntimeException e) {
            cancelled.increment(); // the tokens it took are given back, as a cancelled reservation's
            ks.local().refund(clock.nanoTime(), n, localRate, burst, now + wait);
            throw e;
        }
        if (wait > 0 || hadToWait) {
            waited.increment();
        }
        fallbackAllowed.increment();
        allowed.increment();
    }

    /** Waits {@code nanos} of the limiter's clock, ending early with the context, an interrupt or close. */
    private void sleep(Context ctx, long nanos) throws InterruptedException {
        Thread self = Thread.currentThread();
        long end = clock.nanoTime() + nanos;
        try (Registration wake = ctx.onDone(() -> LockSupport.unpark(self))) {
            while (true) {
                if (Thread.interrupted()) {
                    throw new InterruptedException(component + ": interrupted while waiting for tokens");
                }
                ctx.throwIfDone();
                checkOpen("await");
                long left = end - clock.nanoTime();
                if (left <= 0) {
                    return;
                }
                clock.parkNanos(this, Math.min(left, PARK_CHUNK));
            }
        }
    }

    Reservation reserve(KeyState ks, String bucketKey, long n) {
        checkN(component, n);
        checkOpen("reserve");
        long now = clock.nanoTime();
        if (n == 0) {
            allowed.increment(); // an ok reservation, as the local token bucket counts it
            return new RedisReservation(this, null, null, null, 0, now, true, false);
        }
        try {
            Reply r = call(bucketKey, "r", n, MAX_RESERVE_WAIT_MICROS);
            if (r.granted > 0) {
                allowed.increment();
                return new RedisReservation(this, ks, bucketKey, r.tat, n, now + r.waitNanos, true, false);
            }
            denied.increment();
            return new RedisReservation(this, null, null, null, n, now, false, false);
        } catch (RedisFailure e) {
            fallbacks.increment();
            switch (policy) {
                case FAIL_OPEN:
                    fallbackAllowed.increment();
                    allowed.increment();
                    return new RedisReservation(this, null, null, null, n, now, true, false);
                case FAIL_CLOSED:
                    denied.increment();
                    return new RedisReservation(this, null, null, null, n, now, false, false);
                default:
                    Conf c = fleet;
                    long wait = ks.local().reserve(now, n, c.rate * share, localBurst(c), Long.MAX_VALUE);
                    if (wait < 0) {
                        denied.increment();
                        return new RedisReservation(this, null, null, null, n, now, false, false);
                    }
                    fallbackAllowed.increment();
                    allowed.increment();
                    return new RedisReservation(this, ks, null, null, n, now + wait, true, true);
            }
        }
    }

    /**
     * A reservation was cancelled before its time: give its tokens back where they were taken, less
     * those that later reservations build on ({@code tat}: the bucket's TAT in Redis after the
     * reservation; {@code timeToAct}: its time to act, for the local bucket).
     */
    void refund(KeyState ks, String bucketKey, String tat, long n, long timeToAct, boolean local) {
        cancelled.increment();
        if (local) {
            Conf c = fleet;
            ks.local().refund(clock.nanoTime(), n, c.rate * share, localBurst(c), timeToAct);
            return;
        }
        try {
            call(bucketKey, "f", n, tat);
        } catch (RedisFailure e) {
            LOG.log(Level.DEBUG, () -> component + ": refund of " + n + " token(s) lost: " + e.getMessage());
        }
    }

    /**
     * Redis's tokens of a bucket; when Redis cannot answer, with LOCAL the local fallback bucket's
     * (full when {@code ks} is null: a key with no local state starts a full one), else
     * {@code unknown} (the last known of the token bucket; the burst for a key of the keyed limiter,
     * whose last reply was another key's).
     */
    double tokens(KeyState ks, String bucketKey, double unknown) {
        try {
            return call(bucketKey, "p", 0, 0).tokens;
        } catch (RedisFailure e) {
            if (policy == FailurePolicy.LOCAL) {
                Conf c = fleet;
                return ks == null ? localBurst(c) : ks.local().tokens(clock.nanoTime(), c.rate * share, localBurst(c));
            }
            return unknown;
        }
    }

    // ------------------------------------------------------------------ configuration

    Rate rate() {
        return new Rate(fleet.rate);
    }

    long burst() {
        return fleet.burst;
    }

    double lastTokens() {
        return lastTokens;
    }

    void setRate(double eventsPerSecond) {
        checkOpen("setRate");
        if (Double.isNaN(eventsPerSecond) || eventsPerSecond < 0) {
            throw new InvalidConfigException(component, "rate", eventsPerSecond,
                    "must be zero, positive or infinite", "tokens per second for the whole fleet");
        }
        synchronized (this) {
            Change base = pending;
            Conf c = new Conf(eventsPerSecond, base != null ? base.conf.burst : fleet.burst);
            pending = new Change(c, base == null || base.fields.equals("r") ? "r" : "rb");
            fleet = c;
        }
        publishConfiguration();
    }

    void setBurst(long burst) {
        checkOpen("setBurst");
        if (burst < 1 || burst > RateLimiter.MAX_BURST) {
            throw new InvalidConfigException(component, "burst", burst, "must be from 1 to " + RateLimiter.MAX_BURST,
                    "the most tokens a bucket holds, for the whole fleet");
        }
        synchronized (this) {
            Change base = pending;
            Conf c = new Conf(base != null ? base.conf.rate : fleet.rate, burst);
            pending = new Change(c, base == null || base.fields.equals("b") ? "b" : "rb");
            fleet = c;
        }
        publishConfiguration();
    }

    RedisLimiterStats backendStats() {
        return new RedisLimiterStats(policy, conn.name(), roundTrips.sum(), failures.sum(), fallbacks.sum(),
                fallbackAllowed.sum(), leaseHits.sum(), leaseDropped.sum(), lastError);
    }

    /** Marks the limiter closed; returns true the first time. */
    boolean close() {
        if (!closing.compareAndSet(false, true)) {
            return false;
        }
        closed = true;
        return true;
    }

    /** The local state of one bucket: its lease (when the lease is on) and its fallback bucket. */
    final class KeyState {
        final LocalLease lease = leaseTokens > 0 ? new LocalLease(clock.nanoTime()) : null;
        /** Guarded by this. */
        private LocalBucket local;

        synchronized LocalBucket local() {
            if (local == null) {
                local = new LocalBucket();
            }
            return local;
        }

        /** Whether forgetting this state changes no decision: lease used up or expired, fallback full. */
        boolean idle(long now, long idleNanos) {
            if (lease != null && (now - lease.lastUsedNanos < idleNanos || lease.deniedAt(now)
                    || (lease.tokens.get() > 0 && now - lease.expiresNanos < 0))) {
                return false;
            }
            LocalBucket b;
            synchronized (this) {
                b = local;
            }
            Conf c = fleet;
            return b == null || b.idle(now, idleNanos, c.rate * share, localBurst(c));
        }
    }
}
