package goflow.impl.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import goflow.api.ClosedException;
import goflow.api.Clock;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.Registration;
import goflow.api.context.Context;
import goflow.api.ratelimit.AdaptiveAlgorithm;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.AdaptiveLimiterStats;
import goflow.api.ratelimit.LimitChange;
import goflow.api.ratelimit.Permit;
import goflow.impl.internal.ContextWait;
import goflow.impl.internal.Durations;
import goflow.impl.internal.PrimitiveRegistry;

/**
 * The {@link AdaptiveLimiter}: permits counted under one lock, a window of outcomes, and a
 * {@link LimitRule} that moves the limit at the end of each window.
 *
 * <p>Thread-safe: every field marked "guarded by lock" is read and written holding {@code lock};
 * the configuration is final.
 */
final class AdaptiveLimiterImpl implements AdaptiveLimiter {
    /*
     * Implementation notes.
     *
     * Permits: inFlight (and the partition's count) goes up on a grant and down once per permit,
     * on its first outcome (the permit's CAS). A permit is granted when the total is below the limit
     * and its partition below its cap (max(1, floor(limit * share))). Waiters queue in FIFO order; on
     * every release or limit change the queue is scanned in order and each waiter that fits is
     * granted (a waiter whose partition is full does not hold up the others). tryAcquirePermit does
     * not barge past waiters of its partition. A waiter whose context ends or who is interrupted
     * after being granted gives its permit back.
     *
     * Windows: outcomes accumulate into the current window (successes: count and latency sum; drops:
     * count; ignored: nothing); the window ends at the first outcome after minTime with minSamples
     * successes-and-drops, or after 10 * minTime with at least one outcome. Then the rule computes a
     * new estimate (a real number), the limit becomes it clamped to [min, max] and rounded down, and
     * the window's figures go into the history (the last HISTORY windows).
     *
     * Probes: when the rule asks (at the start, and every so often for the gradient rule), the next
     * window runs with the limit pinned to minLimit, so that its latency is the no-load latency; the
     * rule takes it, and the limit goes back to the estimate kept aside. A probe counts only the calls
     * granted since it began, so it waits for the calls in flight to drain below the minimum: if
     * none of its own calls has had an outcome after 10 * minTime while the minimum is still held
     * (a slow call, a leaked permit), a timer on the clock gives it up (probeOverdue) rather than
     * stall every caller behind them; a timer that found the probe idle is armed again by the next
     * call granted to it (armProbeTimer).
     */
    private static final int HISTORY = 60;

    private final String name;
    private final String component;
    private final PrimitiveRegistry.Entry entry;
    private final Clock clock;
    private final AdaptiveAlgorithm algorithm;
    private final LimitRule rule;
    private final int minLimit;
    private final int maxLimit;
    private final long windowNanos;
    private final long maxWindowNanos;
    private final int minSamples;
    /** Partition names and their shares; index i of {@code partitionInFlight}. */
    private final String[] partitions;
    private final double[] shares;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when waiters may have been granted, and on close. */
    private final Condition changed = lock.newCondition();
    /** The algorithm's estimate and the limit from it. Guarded by lock. */
    private double estimate;
    private int limit;
    /** Whether the current window is a probe (the limit pinned to the minimum). Guarded by lock. */
    private boolean probing;
    /**
     * When the probe began: only calls granted since then count in a probe window, so that the calls
     * in flight under the higher limit (slower, queued behind each other) cannot inflate the no-load
     * latency it measures. Guarded by lock.
     */
    private long probeStart;
    /** The timer that gives up a probe that cannot run (see probeOverdue), or null. Guarded by lock. */
    private Registration probeTimer;
    /** Guarded by lock. */
    private int inFlight;
    private final int[] partitionInFlight;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private boolean closed;
    /** The current window. Guarded by lock. */
    private long windowStart;
    private long windowSamples;
    private double windowLatencySum;
    private long windowMinLatency = Long.MAX_VALUE;
    private long windowMaxLatency;
    private long windowDrops;
    private int windowMaxInFlight;
    /** Totals. Guarded by lock. */
    private long acquired;
    private long rejected;
    private long succeeded;
    private long dropped;
    private long ignored;
    private long windows;
    private double lastLatency;
    private final ArrayDeque<LimitChange> history = new ArrayDeque<>();

    /** A thread waiting for a permit; {@code granted} and {@code grantedAt} are set under the lock. */
    private static final class Waiter {
        final int partition;
        boolean granted;
        /** When it was granted: whether its call counts in a probe, however late its thread wakes. */
        long grantedAt;

        Waiter(int partition) {
            this.partition = partition;
        }
    }

    AdaptiveLimiterImpl(String name, PrimitiveRegistry.Entry entry, Clock clock, AdaptiveAlgorithm algorithm,
            int initialLimit, int minLimit, int maxLimit, Duration windowMin, int minSamples,
            Map<String, Double> partitionShares) {
        this.name = name;
        this.component = Primitive.Kind.ADAPTIVE_LIMITER.label() + " '" + name + "'";
        this.entry = entry;
        this.clock = clock;
        this.algorithm = algorithm;
        this.rule = LimitRule.of(algorithm);
        this.minLimit = minLimit;
        this.maxLimit = maxLimit;
        this.windowNanos = Durations.toNanosSaturated(windowMin);
        this.maxWindowNanos = windowNanos > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : windowNanos * 10;
        this.minSamples = minSamples;
        this.partitions = partitionShares.keySet().toArray(new String[0]);
        this.shares = new double[partitions.length];
        for (int i = 0; i < partitions.length; i++) {
            shares[i] = partitionShares.get(partitions[i]);
        }
        this.partitionInFlight = new int[partitions.length];
        this.estimate = Math.max(minLimit, Math.min(maxLimit, initialLimit));
        this.limit = (int) estimate;
        this.windowStart = clock.nanoTime();
        if (rule.probeDue()) {
            startProbe(windowStart);
        }
    }

    /** Guarded by lock: pins the limit to the minimum for a window whose calls start from now. */
    private void startProbe(long now) {
        probing = true;
        probeStart = now;
        limit = minLimit;
        if (maxWindowNanos < Long.MAX_VALUE) { // a window that saturated: no deadline to give up at
            probeTimer = clock.schedule(now + maxWindowNanos, () -> probeOverdue(now));
        }
    }

    /**
     * The timer of the probe begun at {@code start}: if it has not had an outcome of its own call in
     * 10 * minTime and the calls in flight still hold the minimum (calls granted before it, slow or
     * never completed, keep its calls from starting; or a call of its own that hangs), it is given
     * up: the limit goes back to the estimate, the no-load latency is kept, and the waiters are
     * served. A probe it finds idle (no outcome, the minimum not held) keeps no timer: the next call
     * granted to it arms one (armProbeTimer), so that a call of its own that hangs cannot hold it for
     * ever.
     */
    private void probeOverdue(long start) {
        lock.lock();
        try {
            if (closed || !probing || probeStart != start) {
                return;
            }
            probeTimer = null; // it has run
            if (windowSamples + windowDrops > 0 || inFlight < limit) {
                return;
            }
            long now = clock.nanoTime(); // before anything changes: the clock is the caller's code
            probing = false;
            rule.probeGivenUp();
            limit = (int) estimate;
            windowStart = now;
            windowMaxInFlight = inFlight;
            grantWaiters();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Guarded by lock: a call is granted at {@code now} during a probe that has had no outcome and
     * whose timer has run (it found the probe idle): a timer is armed again, before the call is
     * counted (the clock is the caller's code).
     */
    private void armProbeTimer(long now) {
        if (probing && probeTimer == null && windowSamples + windowDrops == 0 && maxWindowNanos < Long.MAX_VALUE) {
            long start = probeStart;
            probeTimer = clock.schedule(now + maxWindowNanos, () -> probeOverdue(start));
        }
    }

    /** Guarded by lock: cancels the probe's timer, if any. */
    private void cancelProbeTimer() {
        if (probeTimer != null) {
            probeTimer.close();
            probeTimer = null;
        }
    }

    // ------------------------------------------------------------------------------------ permits

    @Override
    public Optional<Permit> tryAcquirePermit() {
        return tryAcquire(-1);
    }

    @Override
    public Optional<Permit> tryAcquirePermit(String partition) {
        return tryAcquire(partitionIndex(partition));
    }

    @Override
    public Permit acquirePermit(Context ctx) throws InterruptedException {
        return acquire(ctx, -1);
    }

    @Override
    public Permit acquirePermit(Context ctx, String partition) throws InterruptedException {
        return acquire(ctx, partitionIndex(partition));
    }

    private int partitionIndex(String partition) {
        for (int i = 0; i < partitions.length; i++) {
            if (partitions[i].equals(partition)) {
                return i;
            }
        }
        throw new InvalidConfigException(component, "partition", partition,
                partitions.length == 0 ? "is not a partition: this limiter has none"
                        : "is not a partition of this limiter (" + String.join(", ", partitions) + ")",
                "name a partition given to the builder, or take a permit without one");
    }

    private Optional<Permit> tryAcquire(int partition) {
        lock.lock();
        try {
            ensureOpen("tryAcquirePermit");
            if (fits(partition) && !waiterAhead(partition)) {
                return Optional.of(grant(partition));
            }
            rejected++;
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    private Permit acquire(Context ctx, int partition) throws InterruptedException {
        if (ctx == null) {
            throw new InvalidConfigException(component, "ctx", null, "must not be null",
                    "pass Context.background() to wait without a deadline");
        }
        ctx.throwIfDone();
        ContextWait wait = null;
        Waiter me = null;
        lock.lockInterruptibly();
        try {
            ensureOpen("acquirePermit");
            if (fits(partition) && !waiterAhead(partition)) {
                return grant(partition);
            }
            me = new Waiter(partition);
            waiters.addLast(me);
            wait = new ContextWait(ctx, lock, changed);
            while (!me.granted) {
                if (closed) {
                    throw closedException("acquirePermit");
                }
                wait.await(() -> false); // grants are signalled to all: nothing to pass on
            }
            return new AdaptivePermit(this, partition, clock.nanoTime(), me.grantedAt);
        } catch (RuntimeException | InterruptedException | Error e) {
            if (me != null) {
                if (me.granted) {
                    // granted as it gave up: give the permit back; it was never handed out
                    acquired--;
                    release(partition);
                } else {
                    waiters.remove(me);
                }
            }
            throw e;
        } finally {
            lock.unlock();
            ContextWait.close(wait);
        }
    }

    /** Guarded by lock: whether a permit of {@code partition} (-1: none) fits now. */
    private boolean fits(int partition) {
        return inFlight < limit && (partition < 0 || partitionInFlight[partition] < cap(partition));
    }

    /** Guarded by lock. */
    private int cap(int partition) {
        return Math.max(1, (int) Math.floor(limit * shares[partition]));
    }

    /** Guarded by lock: whether a waiter of the same partition came first (no barging). */
    private boolean waiterAhead(int partition) {
        for (Waiter w : waiters) {
            if (w.partition == partition) {
                return true;
            }
        }
        return false;
    }

    /** Guarded by lock: counts a permit and returns it (the clock, the caller's code, is read first). */
    private Permit grant(int partition) {
        long now = clock.nanoTime();
        armProbeTimer(now);
        take(partition);
        return new AdaptivePermit(this, partition, now, now);
    }

    /** Guarded by lock. */
    private void take(int partition) {
        inFlight++;
        if (partition >= 0) {
            partitionInFlight[partition]++;
        }
        acquired++;
        windowMaxInFlight = Math.max(windowMaxInFlight, inFlight);
    }

    /** Guarded by lock: a permit comes back; waiters that now fit are granted. */
    private void release(int partition) {
        inFlight--;
        if (partition >= 0) {
            partitionInFlight[partition]--;
        }
        grantWaiters();
    }

    /**
     * Guarded by lock. Once closed it grants nothing: the waiters fail with ClosedException (a
     * release after close must not hand a permit to a waiter that has not yet seen the close).
     */
    private void grantWaiters() {
        if (closed) {
            return;
        }
        boolean any = false;
        long now = 0;
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext() && inFlight < limit;) {
            Waiter w = it.next();
            if (fits(w.partition)) {
                if (!any) {
                    now = clock.nanoTime(); // before anything changes: the clock is the caller's code
                    armProbeTimer(now);
                    any = true;
                }
                it.remove();
                take(w.partition);
                w.granted = true;
                w.grantedAt = now;
            }
        }
        if (any) {
            changed.signalAll();
        }
    }

    enum Outcome { SUCCESS, DROPPED, IGNORED }

    /**
     * A permit's first outcome: the permit comes back, the window counts the outcome. The latency runs
     * from {@code startNanos} (when the caller got the permit); {@code grantedNanos} (when it was
     * counted in flight, earlier for a waiter whose thread woke later) decides whether it counts in a
     * probe.
     */
    void complete(int partition, long startNanos, long grantedNanos, Outcome outcome) {
        lock.lock();
        try {
            record(startNanos, grantedNanos, outcome);
        } finally {
            try {
                release(partition); // whatever the clock (the caller's code) threw, the permit comes back
            } finally {
                lock.unlock();
            }
        }
    }

    /** Guarded by lock: counts an outcome in the totals and the window, and ends the window when due. */
    private void record(long startNanos, long grantedNanos, Outcome outcome) {
        // counted before the clock (the caller's code) is read: a clock that throws loses no outcome
        switch (outcome) {
            case SUCCESS:
                succeeded++;
                break;
            case DROPPED:
                dropped++;
                break;
            default:
                ignored++;
                break;
        }
        // A call granted before the current probe says nothing of the no-load latency.
        boolean counts = outcome != Outcome.IGNORED && !(probing && grantedNanos - probeStart < 0);
        if (counts) {
            long now = clock.nanoTime();
            if (outcome == Outcome.SUCCESS) {
                long latency = Math.max(0, now - startNanos);
                windowSamples++;
                windowLatencySum += latency;
                windowMinLatency = Math.min(windowMinLatency, latency);
                windowMaxLatency = Math.max(windowMaxLatency, latency);
            } else {
                windowDrops++;
            }
            long length = now - windowStart;
            long outcomes = windowSamples + windowDrops;
            if (length >= windowNanos && outcomes >= minSamples || length >= maxWindowNanos) {
                endWindow(now);
            }
        }
    }

    /** Guarded by lock: the algorithm moves the limit; a new window starts. */
    private void endWindow(long now) {
        Instant end = clock.instant(); // first: a clock that throws leaves the window as it was
        double average = windowSamples == 0 ? 0 : windowLatencySum / windowSamples;
        LimitRule.Window w = new LimitRule.Window(windowSamples, average, windowDrops, windowMaxInFlight,
                windowMinLatency, windowMaxLatency);
        boolean probe = probing;
        if (probing) {
            rule.probed(w); // the estimate was kept aside during the probe
            probing = false;
            cancelProbeTimer();
        } else {
            estimate = Math.max(minLimit, Math.min(maxLimit, rule.next(estimate, w)));
        }
        limit = (int) estimate;
        if (!closed && rule.probeDue()) { // a permit completed after close: no probe, no timer left behind
            startProbe(now);
        }
        windows++;
        if (windowSamples > 0) {
            lastLatency = average;
        }
        history.addLast(new LimitChange(end, limit, Duration.ofNanos((long) average), windowSamples,
                windowDrops, windowMaxInFlight, probe));
        if (history.size() > HISTORY) {
            history.removeFirst();
        }
        windowStart = now;
        windowSamples = 0;
        windowLatencySum = 0;
        windowMinLatency = Long.MAX_VALUE;
        windowMaxLatency = 0;
        windowDrops = 0;
        windowMaxInFlight = inFlight;
    }

    // ------------------------------------------------------------------------------------ figures

    @Override
    public int limit() {
        lock.lock();
        try {
            return limit;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void setLimit(int newLimit) {
        if (newLimit < minLimit || newLimit > maxLimit) {
            throw new InvalidConfigException(component, "limit", newLimit,
                    "must be from minLimit " + minLimit + " to maxLimit " + maxLimit,
                    "the algorithm moves the limit between these bounds");
        }
        lock.lock();
        try {
            ensureOpen("setLimit");
            estimate = newLimit;
            if (!probing) {
                limit = newLimit;
            }
            grantWaiters();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public AdaptiveAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public List<LimitChange> history() {
        lock.lock();
        try {
            return List.copyOf(new ArrayList<>(history));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public AdaptiveLimiterStats stats() {
        lock.lock();
        try {
            return new AdaptiveLimiterStats(algorithm.label(), limit, minLimit, maxLimit, inFlight, waiters.size(),
                    acquired, rejected, succeeded, dropped, ignored, windows,
                    Duration.ofNanos((long) rule.noLoadNanos()), Duration.ofNanos((long) lastLatency), probing);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Kind kind() {
        return Kind.ADAPTIVE_LIMITER;
    }

    /** Guarded by lock. */
    private void ensureOpen(String operation) {
        if (closed) {
            throw closedException(operation);
        }
    }

    private ClosedException closedException(String operation) {
        return new ClosedException(component + " is closed: " + operation + " refused");
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            cancelProbeTimer();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        entry.release();
    }

    @Override
    public String toString() {
        return component + "[" + algorithm.label() + ", limit=" + limit() + "]";
    }

    /** A permit of this limiter; its first outcome completes it (CAS), later ones do nothing. */
    private static final class AdaptivePermit implements Permit {
        private final AdaptiveLimiterImpl limiter;
        private final int partition;
        private final long startNanos;
        private final long grantedNanos;
        private final AtomicBoolean done = new AtomicBoolean();

        AdaptivePermit(AdaptiveLimiterImpl limiter, int partition, long startNanos, long grantedNanos) {
            this.limiter = limiter;
            this.partition = partition;
            this.startNanos = startNanos;
            this.grantedNanos = grantedNanos;
        }

        private void complete(Outcome outcome) {
            if (done.compareAndSet(false, true)) {
                limiter.complete(partition, startNanos, grantedNanos, outcome);
            }
        }

        @Override
        public void success() {
            complete(Outcome.SUCCESS);
        }

        @Override
        public void dropped() {
            complete(Outcome.DROPPED);
        }

        @Override
        public void ignore() {
            complete(Outcome.IGNORED);
        }

        @Override
        public void close() {
            complete(Outcome.IGNORED);
        }

        @Override
        public String toString() {
            return "Permit[" + limiter.name + (done.get() ? ", completed]" : "]");
        }
    }
}
