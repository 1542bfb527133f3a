package goflow.impl.ratelimit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import goflow.api.Clock;
import goflow.api.ratelimit.Rate;

/**
 * The bucket engine behind every token-bucket-shaped limiter: a bucket of at most {@code burst}
 * tokens refilled at {@code rate} tokens per second, with debt. Lock-free and allocation-free on
 * {@link #tryTake}; configuration changes take this object's monitor.
 *
 * <p>Thread-safe.
 */
final class BucketCore {
    /*
     * Implementation notes.
     *
     * State lives in an Epoch: an immutable configuration (rate, burst, the clock origin `base`) plus
     * one mutable 64-bit `word`, changed only by CAS, so taking tokens is one volatile read, one clock
     * read, a little floating-point arithmetic and one CAS, with no allocation.
     *
     * NORMAL mode (0 < rate < infinity) uses GCRA's "theoretical arrival time" counted in tokens:
     * `word` holds the raw bits of a double f, the frontier, the number of tokens accrued since `base`
     * (u = (now - base) * tpn) at which the bucket was, or will be, empty. At time t the bucket holds
     * min(burst, u - f) tokens; taking n moves f to max(f, u - burst) + n. f > u means debt (the
     * tokens are negative) and is created only by reservations. Counting in tokens, a take adds a
     * whole number to f, which is exact: counted in time (as before), each take added a token's
     * interval, rounded to the unit in the last place of the time, and the errors piled up over the
     * takes (a full bucket of a million at 4.9e8/s gave 1 000 021 one by one). u is computed afresh
     * at every call, so its rounding does not pile up; the epoch is rebased before u passes 2^40
     * tokens or the clock 2^40 ns since `base` (rebaseNanos), so that its unit in the last place stays
     * below 2^-12 tokens, and the tokens a rebase (or any change) carries into the next epoch are
     * computed as rate x time / 10^9 to twice a double's precision (tokensCarried), so that no
     * rounding, not even that of tpn, is carried from epoch to epoch. A token that is due within
     * `slack` (a billionth of a token, or four units in the last place of u at its largest) counts as
     * due, so rounding cannot refuse a token that exact arithmetic would admit at the same nanosecond.
     * Below one token a second the billionth is what one nanosecond accrues (tpn), so that the slack
     * never admits a token more than a nanosecond early (a billionth of a token was 1 ms at 1e-6/s).
     *
     * ZERO mode (rate 0, or a rate so small its interval overflows): `word` holds the token count as
     * a double. UNLIMITED mode: nothing is stored; every request is admitted and takes nothing.
     *
     * A configuration change (setRate, setBurst, rebase) runs under this object's monitor: it reads
     * the clock (before anything else: the clock may throw), freezes the current epoch by swapping
     * FROZEN into its word (so every CAS still in flight on it fails), computes the tokens at the
     * instant read, and publishes a new epoch holding them. A NORMAL epoch older than
     * REBASE_NANOS is rebased before a take, reserve or refund decides anything in it. A thread
     * that reads FROZEN spins until the new epoch is published, which the changer does at once.
     * Invariant: only the current epoch's word changes; a frozen word never changes again.
     *
     * Positions (for refunds). A reservation's refund is "what it reserved, less what later
     * reservations build on", which must not depend on rate or burst changes made in between, so it
     * is counted in tokens, not in time at some rate. Each epoch maps its words to a position on one
     * token line that runs across epochs: NORMAL pos(f) = p0 + (f - f0) (f0: the epoch's first
     * word), ZERO pos(tokens) = p0 + (tokens0 - tokens), UNLIMITED pos = p0. Taking n tokens moves the
     * position of the bucket's frontier by n; a swap starts the next epoch at the position of the old
     * epoch's effective frontier (max(f, full)), so both the frontier and the supply (frontier +
     * tokens) stay where they were. A grant remembers the position of its time to act; a refund in a
     * later epoch converts it back into that epoch's frontier. The frontier moves with time as well as
     * with takes, so positions grow as rate x uptime (10^12 after 17 minutes at 10^9 tokens/s): an
     * epoch's origin p0 is kept as whole tokens (a long) plus a fraction, and a grant keeps its
     * position as an offset from its own epoch's origin, so that a refund only ever works with the
     * difference between two origins (exact in whole tokens) plus offsets within an epoch. (A double
     * p0 lost the fraction of a token after a day at 10^9/s, and whole tokens after 104 days.)
     */
    static final int NORMAL = 0;
    static final int ZERO = 1;
    static final int UNLIMITED = 2;

    /** A NaN bit pattern that none of the arithmetic here can produce. */
    static final long FROZEN = 0x7ff0_dead_beef_0001L;
    private static final long REBASE_NANOS = 1L << 40;
    private static final long MIN_REBASE_NANOS = 1L << 20;
    /**
     * How long a thread whose CAS lost stays off the word, in real nanoseconds (see backOff): 4 µs
     * measured 70-86 ns per call with two threads, 2 µs 74-115 ns, 1 µs 83-104 ns, and 0.5 µs no
     * better than none.
     */
    private static final long BACKOFF_NANOS = 4_000;
    /** How often {@link #read} retries a reading whose word changed under it. */
    private static final int READ_TRIES = 16;
    private static final Reader<Double> TOKENS = (e, w, now) -> e.tokensAt(w, now);
    private static final Reader<Double> LEVEL = (e, w, now) -> e.burst - e.tokensAt(w, now);
    private static final VarHandle WORD;

    static {
        try {
            WORD = MethodHandles.lookup().findVarHandle(Epoch.class, "word", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One configuration and its state word; see the implementation notes. */
    static final class Epoch {
        final int mode;
        final Rate rate;
        final long burst;
        /** {@link #burst} as a double, so that allow() converts nothing on its critical path. */
        final double burstTokens;
        /** Nanoseconds to accrue one token (NORMAL mode). */
        final double npt;
        /** Tokens accrued per nanosecond (NORMAL mode). */
        final double tpn;
        /**
         * The age at which the epoch is rebased (NORMAL mode): 2^40 ns, or less at more than 10^9
         * tokens/s, so that the tokens accrued in an epoch stay below 2^40 (a unit in the last place
         * of 2^-12 tokens); at least 2^20 ns.
         */
        final long rebaseNanos;
        /**
         * In tokens: a billionth of a token (what one nanosecond accrues if less, under one token a
         * second), or the rounding of the tokens accrued since the epoch began if more; absorbs
         * floating-point rounding at the boundary.
         */
        final double slack;
        /** The clock reading at which this epoch's time is zero. */
        final long base;
        /** The token-line position of this epoch's first word (see "Positions"): whole tokens... */
        final long p0Whole;
        /** ...plus a fraction, from 0 (inclusive) to 1 (exclusive). */
        final double p0Frac;
        /** This epoch's first word, as a double: z (NORMAL) or tokens (ZERO). */
        final double first;
        /** NORMAL: bits of z; ZERO: bits of the tokens; changed by CAS only; FROZEN once replaced. */
        volatile long word;

        /**
         * @param previous the epoch this one follows, or null for the first
         * @param offset where this epoch starts on the token line, as an offset from {@code previous}'s origin
         */
        Epoch(Rate rate, long burst, long base, double tokens, Epoch previous, double offset) {
            double r = rate.eventsPerSecond();
            double interval = 1e9 / r;
            this.rate = rate;
            this.burst = burst;
            this.burstTokens = burst;
            this.base = base;
            if (rate.isUnlimited() || Double.isInfinite(2.0 * REBASE_NANOS * (r / 1e9))) {
                // a rate so large that the tokens of an epoch overflow a double admits everything
                mode = UNLIMITED;
                npt = 0;
            } else if (r == 0 || Double.isInfinite(interval) || Double.isInfinite(burst * interval)) {
                mode = ZERO;
                npt = Double.POSITIVE_INFINITY;
            } else {
                mode = NORMAL;
                npt = interval;
            }
            tpn = mode == NORMAL ? r / 1e9 : 0;
            rebaseNanos = tpn > 1 ? Math.max(MIN_REBASE_NANOS, (long) (REBASE_NANOS / tpn)) : REBASE_NANOS;
            slack = mode == NORMAL ? Math.max(Math.min(1e-9, tpn), 4 * Math.ulp(rebaseNanos * tpn)) : 0;
            if (previous == null) {
                p0Whole = 0;
                p0Frac = 0;
            } else {
                double sum = previous.p0Frac + offset;
                double whole = Math.floor(sum);
                p0Whole = previous.p0Whole + (long) whole;
                p0Frac = sum - whole;
            }
            double clamped = Math.min(tokens, burst);
            if (mode == NORMAL) {
                first = -clamped;
            } else {
                first = clamped;
            }
            word = Double.doubleToRawLongBits(first);
        }

        /**
         * The position of this epoch's frontier {@code f} (NORMAL), or of its word {@code w} (ZERO), as an
         * offset from this epoch's origin.
         */
        double offset(double tOrWord) {
            switch (mode) {
                case UNLIMITED:
                    return 0;
                case ZERO:
                    return first - tOrWord;
                default:
                    return tOrWord - first;
            }
        }

        /** Where {@code other}'s origin is on the token line, as an offset from this epoch's origin. */
        double originOf(Epoch other) {
            return (other.p0Whole - p0Whole) + (other.p0Frac - p0Frac);
        }

        /** The frontier of this epoch (NORMAL) at {@code offset} from its origin. */
        double frontierAt(double offset) {
            return first + offset;
        }

        /** The tokens accrued since this epoch began (NORMAL). */
        double accrued(long now) {
            return (now - base) * tpn;
        }

        /** The position of the effective frontier at clock time {@code now}, given a word, as an offset. */
        double frontier(long w, long now) {
            double x = Double.longBitsToDouble(w);
            return mode == NORMAL ? offset(Math.max(x, accrued(now) - burst)) : offset(x);
        }

        /**
         * The tokens at clock time {@code now}, given a word, as a new epoch carries them: NORMAL
         * computes the tokens accrued since the epoch began as rate x time / 10^9 to twice a double's
         * precision (an fma gives the product's rounding error, and the division's remainder is exact),
         * so that neither the rounding of {@code tpn} (a systematic 2^-53 of the rate) nor that of the
         * product (up to 2^-13 tokens at 2^40 ns and 10^9/s) is carried from epoch to epoch.
         */
        double tokensCarried(long w, long now) {
            if (mode != NORMAL) {
                return tokensAt(w, now);
            }
            double t = now - base;
            double r = rate.eventsPerSecond();
            double ph = t * r;
            double pl = Math.fma(t, r, -ph);
            double qh = ph / 1e9;
            double ql = (Math.fma(-qh, 1e9, ph) + pl) / 1e9;
            double f = Double.longBitsToDouble(w);
            return f <= qh - burst ? burst : Math.min(burst, (qh - f) + ql);
        }

        /** The tokens at clock time {@code now}, given a (non-frozen) word of this epoch. */
        double tokensAt(long w, long now) {
            switch (mode) {
                case UNLIMITED:
                    return burst;
                case ZERO:
                    return Double.longBitsToDouble(w);
                default:
                    double u = accrued(now);
                    double f = Double.longBitsToDouble(w);
                    return f <= u - burst ? burst : u - f;
            }
        }
    }

    /** What {@link #reserve} decided. */
    enum Outcome { OK, BURST, ZERO_RATE, TOO_LATE }

    /** The result of {@link #reserve}; allocated on the reservation path only. */
    static final class Grant {
        final Outcome outcome;
        final long n;
        /** OK: the clock time to act. TOO_LATE: the wait needed, in nanoseconds. */
        final long time;
        /**
         * OK: the epoch the reservation was made in, and its exact time to act in that epoch, as the
         * frontier (NORMAL: in tokens accrued since the epoch began) at that time.
         */
        final Epoch epoch;
        final double exact;
        /**
         * OK: the token-line position of its time to act, as an offset from its epoch's origin
         * (NORMAL: the position of {@code exactTime}; ZERO: the supply when it was taken, so that
         * nothing taken after it builds on it).
         */
        final double actOffset;
        /** ZERO_RATE: the tokens present. */
        final double tokens;

        Grant(Outcome outcome, long n, long time, Epoch epoch, double exact, double tokens) {
            this.outcome = outcome;
            this.n = n;
            this.time = time;
            this.epoch = epoch;
            this.exact = exact;
            this.tokens = tokens;
            this.actOffset = outcome != Outcome.OK ? 0
                    : epoch.mode == NORMAL ? epoch.offset(exact)
                    : epoch.mode == ZERO ? epoch.first : 0;
        }
    }

    private final Clock clock;
    /** Leaky bucket: a capacity change keeps the level (capacity - tokens), not the tokens. */
    private final boolean keepLevel;
    /** The current epoch; replaced only under this object's monitor. */
    private volatile Epoch epoch;

    /**
     * Creates a bucket.
     *
     * @param clock the time source
     * @param rate the refill rate
     * @param burst the capacity, 1 to MAX_BURST (validated by the caller)
     * @param tokens the initial tokens, clamped to the burst
     */
    BucketCore(Clock clock, Rate rate, long burst, double tokens) {
        this(clock, rate, burst, tokens, false);
    }

    /**
     * Creates a bucket.
     *
     * @param keepLevel when the burst changes, keep the level {@code burst - tokens} (clamped to the
     *     new burst) rather than the tokens: the leaky bucket's semantics. Debt is kept either way.
     */
    BucketCore(Clock clock, Rate rate, long burst, double tokens, boolean keepLevel) {
        this.clock = clock;
        this.keepLevel = keepLevel;
        this.epoch = new Epoch(rate, burst, clock.nanoTime(), tokens, null, 0);
    }

    Clock clock() {
        return clock;
    }

    /** Takes {@code n} (0 to any) tokens if present now; never creates debt. Lock-free, no allocation. */
    boolean tryTake(long n) {
        Epoch e = epoch;
        long now = clock.nanoTime();
        while (true) {
            if (e.mode == NORMAL) {
                if (now - e.base > e.rebaseNanos) {
                    e = rebase(e);
                    now = clock.nanoTime();
                    continue;
                }
                // What does not depend on the word is computed before reading it, so the window
                // between the read and the CAS (where another thread's CAS makes ours fail) stays
                // short: goflow.bench RateLimiterBench.allow2.
                double u = e.accrued(now);
                double full = u - e.burstTokens;
                double tokens = n;
                long w = (long) WORD.getVolatile(e);
                if (w == FROZEN) {
                    e = next(e);
                    continue;
                }
                double f = Double.longBitsToDouble(w);
                double f2;
                if (f <= full) {
                    if (n > e.burst) {
                        return false;
                    }
                    f2 = full + tokens;
                } else {
                    f2 = f + tokens;
                    if (f2 - u > e.slack) {
                        return false;
                    }
                }
                if (WORD.compareAndSet(e, w, Double.doubleToRawLongBits(f2))) {
                    return true;
                }
                // Another thread's CAS won: back off (see backOff) so that the winner's next calls
                // keep the word's cache line, then read the clock again: the retry decides at a
                // time within this call.
                backOff();
                now = clock.nanoTime();
                continue;
            }
            long w = (long) WORD.getVolatile(e);
            if (w == FROZEN) {
                e = next(e);
                continue;
            }
            if (e.mode == UNLIMITED) {
                return true;
            }
            double tokens = Double.longBitsToDouble(w);
            if (tokens < n) {
                return false;
            }
            if (WORD.compareAndSet(e, w, Double.doubleToRawLongBits(tokens - n))) {
                return true;
            }
        }
    }

    /**
     * Takes {@code n} tokens now, into debt if needed, unless that would mean waiting longer than
     * {@code maxWaitNanos}, asking more than the burst, or waiting for ever at rate zero.
     */
    Grant reserve(long n, long maxWaitNanos) {
        Epoch e = epoch;
        long now = clock.nanoTime();
        while (true) {
            long w = (long) WORD.getVolatile(e);
            if (w == FROZEN) {
                e = next(e);
                continue;
            }
            if (n == 0 || e.mode == UNLIMITED) {
                return new Grant(Outcome.OK, n, now, e, now - e.base, 0);
            }
            if (n > e.burst) {
                return new Grant(Outcome.BURST, n, 0, e, 0, e.burst);
            }
            if (e.mode == ZERO) {
                double tokens = Double.longBitsToDouble(w);
                if (tokens < n) {
                    return new Grant(Outcome.ZERO_RATE, n, 0, e, 0, tokens);
                }
                if (WORD.compareAndSet(e, w, Double.doubleToRawLongBits(tokens - n))) {
                    return new Grant(Outcome.OK, n, now, e, now - e.base, 0);
                }
                continue;
            }
            if (now - e.base > e.rebaseNanos) {
                e = rebase(e);
                now = clock.nanoTime();
                continue;
            }
            double u = e.accrued(now);
            double f = Math.max(Double.longBitsToDouble(w), u - e.burst);
            double f2 = f + n;
            double wait = (f2 - u) * e.npt;
            if (wait > maxWaitNanos) {
                return new Grant(Outcome.TOO_LATE, n, wait >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) Math.ceil(wait),
                        e, 0, 0);
            }
            if (WORD.compareAndSet(e, w, Double.doubleToRawLongBits(f2))) {
                return f2 - u <= e.slack
                        ? new Grant(Outcome.OK, n, now, e, u, 0)
                        : new Grant(Outcome.OK, n, now + (long) Math.ceil(wait), e, f2, 0);
            }
        }
    }

    /**
     * Gives back what is still unused of an OK grant, following golang.org/x/time/rate: nothing once
     * its time to act has passed; otherwise its tokens minus those that later reservations build on,
     * capped at the burst. Counted in tokens on the token line (see "Positions"), so rate and burst
     * changes since the grant change nothing in the count.
     */
    void refund(Grant g) {
        if (g.outcome != Outcome.OK || g.n == 0 || g.epoch.mode == UNLIMITED) {
            return; // nothing was taken
        }
        Epoch e = epoch;
        long now = clock.nanoTime();
        if (g.time - now < 0) {
            return;
        }
        while (true) {
            long w = (long) WORD.getVolatile(e);
            if (w == FROZEN) {
                e = next(e);
                continue;
            }
            if (e.mode == UNLIMITED) {
                return;
            }
            if (e.mode == ZERO) {
                // No time passes at rate zero: what later grants took beyond the grant's act position
                // builds on it.
                double tokens = Double.longBitsToDouble(w);
                double restore = g.n - Math.max(0, e.offset(tokens) - (e.originOf(g.epoch) + g.actOffset));
                if (restore <= 0) {
                    return;
                }
                if (WORD.compareAndSet(e, w, Double.doubleToRawLongBits(Math.min(e.burst, tokens + restore)))) {
                    return;
                }
                continue;
            }
            if (now - e.base > e.rebaseNanos) {
                e = rebase(e);
                now = clock.nanoTime();
                continue;
            }
            double f = Double.longBitsToDouble(w);
            // The grant's time to act in this epoch: exact in its own epoch, through its position after a change.
            double act = g.epoch == e ? g.exact : e.frontierAt(e.originOf(g.epoch) + g.actOffset);
            double restore = g.n - Math.max(0, f - act);
            if (restore <= 0) {
                return;
            }
            double full = e.accrued(now) - e.burst;
            double f2 = Math.max(Math.max(f, full) - restore, full);
            if (WORD.compareAndSet(e, w, Double.doubleToRawLongBits(f2))) {
                return;
            }
        }
    }

    /** Reads a consistent state; see {@link #read}. */
    @FunctionalInterface
    interface Reader<R> {
        /**
         * @param e the epoch whose word was read
         * @param w the word, current when {@code now} was read
         * @param now the clock reading
         */
        R read(Epoch e, long w, long now);
    }

    /**
     * Reads a state that existed: the word is read before the clock and read again after it, and
     * the pair is used only if the word did not change in between (so it was the current state at
     * the clock reading). Under constant contention it gives up after a few tries and uses the word
     * read before the clock: a state no older than the clock reading (never an old time with a
     * newer word, which is what put readings out of range).
     */
    <R> R read(Reader<R> reader) {
        Epoch e = epoch;
        int tries = 0;
        while (true) {
            long w = (long) WORD.getVolatile(e);
            if (w == FROZEN) {
                e = next(e);
                continue;
            }
            long now = clock.nanoTime();
            if ((long) WORD.getVolatile(e) == w || ++tries >= READ_TRIES) {
                return reader.read(e, w, now);
            }
        }
    }

    /** The tokens now: at most the burst, negative in debt. */
    double tokens() {
        return read(TOKENS);
    }

    /** The level of the same bucket read as a leaky bucket: burst - tokens, from one epoch. */
    double level() {
        return read(LEVEL);
    }

    Rate rate() {
        return epoch.rate;
    }

    long burst() {
        return epoch.burst;
    }

    /** Whether every request is admitted at once. */
    boolean unlimited() {
        return epoch.mode == UNLIMITED;
    }

    /** Whether the bucket is full now (so forgetting it would change no decision). */
    boolean isFull() {
        return tokens() >= burst();
    }

    synchronized void setRate(Rate rate) {
        swap(rate, epoch.burst);
    }

    synchronized void setBurst(long burst) {
        swap(epoch.rate, burst);
    }

    /**
     * Starts a new epoch at now if {@code seen} is still the current one, and returns the current
     * epoch. Called before a decision, not after it: the decision must be taken while the time since
     * the epoch began is exact to 2^-12 ns (a bucket idle for a year would otherwise decide at a time
     * rounded to 4 ns, 4 tokens at 10^9/s).
     */
    private Epoch rebase(Epoch seen) {
        synchronized (this) {
            if (epoch == seen) {
                swap(seen.rate, seen.burst);
            }
            return epoch;
        }
    }

    /**
     * Freezes the current epoch and publishes its successor. Caller holds the monitor. The clock is
     * the caller's code and may throw: it is read before the freeze, so that nothing can fail between
     * the freeze and the publication (a throw in between left the epoch frozen with no successor, and
     * every later call spun in {@link #next} for ever). A take that lands between the reading and the
     * freeze, decided at a later time, is carried as what it is: a frontier beyond {@code now}, which
     * the new epoch, starting at {@code now}, reaches at that later time.
     */
    private void swap(Rate rate, long burst) {
        Epoch old = epoch;
        long now = clock.nanoTime();
        long w = (long) WORD.getAndSet(old, FROZEN);
        double tokens = old.tokensCarried(w, now);
        double frontier = old.frontier(w, now);
        if (old.mode == UNLIMITED) {
            tokens = burst;
        } else if (keepLevel && tokens >= 0 && burst != old.burst) {
            double level = old.burst - tokens;
            tokens = Math.max(0, burst - level);
        }
        epoch = new Epoch(rate, burst, now, tokens, old, frontier);
    }

    /**
     * After a lost CAS: yields the processor once (another runnable thread goes first on a busy
     * machine), then spins until {@link #BACKOFF_NANOS} of real time have passed since the loss. It
     * never sleeps. Without it, two threads on one bucket take the word's cache line from each other
     * at every call. A bare yield was the backoff before, and its length is the machine's: about a
     * microsecond on a {@code kvm-clock} VM (two threads: 87-92 ns per call), 180 ns on a {@code tsc}
     * one, where two threads cost 117-126 ns per call. With this time-bounded backoff they cost
     * 70-86 ns there (goflow.bench RateLimiterBench.allow2, admit; docs/benchmarks.md). Real time
     * ({@code System.nanoTime()}), not the bucket's clock: this is about processors, not about
     * tokens, and a test's manual clock would never let it end.
     */
    private static void backOff() {
        long until = System.nanoTime() + BACKOFF_NANOS;
        Thread.yield();
        while (System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
    }

    /** Waits for the successor of a frozen epoch; the changer publishes it right after freezing. */
    private Epoch next(Epoch frozen) {
        Epoch e;
        int spins = 0;
        while ((e = epoch) == frozen) {
            if (++spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        return e;
    }
}
