package goflow.impl.ratelimit;

import java.util.Optional;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import goflow.api.ClosedException;
import goflow.api.GoFlowException;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.Registration;
import goflow.api.context.Context;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.ConcurrencyLimiterStats;
import goflow.api.ratelimit.Permit;
import goflow.impl.internal.PrimitiveRegistry;

/**
 * The {@link ConcurrencyLimiter}: a lock-free fast path on one packed state word, and a FIFO queue of
 * waiters under a lock.
 *
 * <p>Thread-safe.
 */
final class ConcurrencyLimiterImpl implements ConcurrencyLimiter {
    /*
     * Implementation notes.
     *
     * `state` packs, so that one CAS sees all three together:
     *   bits 0-31  inUse    (0 .. 2^31-1; may exceed capacity after a shrink)
     *   bits 32-62 capacity (1 .. 2^31-1)
     *   bit 63     WAITERS  set while the queue is not empty
     * Invariant: available = capacity - inUse. tryAcquire and release only CAS `state`. Waiters are
     * queued, granted and removed under `lock`; a waiter sets WAITERS (under the lock) before it
     * re-checks for permits, and release reads WAITERS in the same word it decrements, so a release
     * either sees the flag and dispatches, or happened before the waiter's re-check: no lost wake-up.
     *
     * A waiter's status moves WAITING -> GRANTED (dispatcher, under lock, permits already added to
     * inUse) or WAITING -> CANCELLED (the waiter itself, under lock). Both transitions are made under
     * the lock, so a waiter whose context ends as it is granted either sees GRANTED and returns with
     * the permits, or cancels and is never granted: permits are never lost nor counted twice.
     */
    private static final long WAITERS = 1L << 63;
    private static final long USED_MASK = 0xffff_ffffL;
    private static final int WAITING = 0;
    private static final int GRANTED = 1;
    private static final int CANCELLED = 2;

    private final String name;
    private final String component;
    private final boolean fair;
    private final PrimitiveRegistry.Entry entry;
    private final AtomicLong state;
    private final Object lock = new Object();
    /** Guarded by {@code lock}. */
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    /** Written under {@code lock}; read without it by stats. */
    private volatile int waiting;
    private volatile boolean closed;
    /** Hot-path counters: {@link Counter} costs no atomic instruction per acquisition. */
    private final Counter acquired = new Counter();
    private final Counter rejected = new Counter();
    private final LongAdder waited = new LongAdder();
    private final LongAdder cancelled = new LongAdder();

    private static final class Waiter {
        final int n;
        final Thread thread;
        /** WAITING, GRANTED or CANCELLED; changed under the limiter's lock. */
        volatile int status;

        Waiter(int n, Thread thread) {
            this.n = n;
            this.thread = thread;
        }
    }

    ConcurrencyLimiterImpl(String name, int capacity, int inUse, boolean fair, PrimitiveRegistry.Entry entry) {
        this.name = name;
        this.component = Primitive.Kind.CONCURRENCY_LIMITER.label() + " '" + name + "'";
        this.fair = fair;
        this.entry = entry;
        this.state = new AtomicLong(((long) capacity << 32) | inUse);
    }

    private static int used(long s) {
        return (int) (s & USED_MASK);
    }

    private static int cap(long s) {
        return (int) ((s >>> 32) & 0x7fff_ffffL);
    }

    @Override
    public Optional<Permit> tryAcquirePermit() {
        return tryAcquire() ? Optional.of(new ReleaseOncePermit(this)) : Optional.empty();
    }

    @Override
    public Permit acquirePermit(Context ctx) throws InterruptedException {
        acquire(ctx);
        return new ReleaseOncePermit(this);
    }

    @Override
    public boolean tryAcquire() {
        return tryAcquire(1);
    }

    @Override
    public boolean tryAcquire(int n) {
        checkN(n);
        ensureOpen("tryAcquire");
        if (n == 0 || take(n)) {
            acquired.increment();
            return true;
        }
        rejected.increment();
        return false;
    }

    /** Takes n permits if they fit now and, when fair, nobody waits. */
    private boolean take(int n) {
        while (true) {
            long s = state.get();
            if (fair && (s & WAITERS) != 0) {
                return false;
            }
            if ((long) used(s) + n > cap(s)) {
                return false;
            }
            if (state.compareAndSet(s, s + n)) {
                return true;
            }
        }
    }

    @Override
    public void acquire(Context ctx) throws InterruptedException {
        acquire(ctx, 1);
    }

    @Override
    public void acquire(Context ctx, int n) throws InterruptedException {
        if (ctx == null) {
            throw new InvalidConfigException(component, "ctx", null, "must not be null",
                    "pass Context.background() to wait without a deadline");
        }
        checkN(n);
        ensureOpen("acquire");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        ctx.throwIfDone();
        if (n == 0 || take(n)) {
            acquired.increment();
            return;
        }
        Waiter w = new Waiter(n, Thread.currentThread());
        synchronized (lock) {
            ensureOpen("acquire");
            setWaitersFlag();
            queue.addLast(w);
            waiting = queue.size();
            dispatchLocked();
        }
        if (w.status == GRANTED) {
            return; // counted as acquired by the dispatcher
        }
        waited.increment();
        Registration onDone = null;
        try {
            onDone = ctx.onDone(() -> LockSupport.unpark(w.thread));
            while (w.status != GRANTED) {
                boolean interrupted = Thread.interrupted();
                if (interrupted || closed || ctx.isDone()) {
                    synchronized (lock) {
                        if (w.status == GRANTED) {
                            if (interrupted) {
                                Thread.currentThread().interrupt(); // granted first: keep the permits
                            }
                            return;
                        }
                        w.status = CANCELLED;
                        queue.remove(w);
                        waiting = queue.size();
                        dispatchLocked(); // a fair head that left may unblock those behind it
                    }
                    cancelled.increment();
                    if (interrupted) {
                        throw new InterruptedException();
                    }
                    ensureOpen("acquire");
                    throw ctx.error().orElseThrow().rethrowable();
                }
                LockSupport.park(this);
            }
        } catch (RuntimeException | Error e) {
            abandon(w); // e.g. an Error from registering with ctx: throw holding nothing
            throw e;
        } finally {
            if (onDone != null) {
                onDone.close();
            }
        }
    }

    /**
     * A waiter leaves by a throw it did not prepare (an Error from its context, say; the ordinary
     * ends have already cancelled it): it must hold nothing then, so a waiting one is dequeued (never
     * granted later, to a call that has returned) and one granted meanwhile gives its permits back.
     */
    private void abandon(Waiter w) {
        boolean granted;
        synchronized (lock) {
            if (w.status == CANCELLED) {
                return; // by the wait loop, which counted it
            }
            granted = w.status == GRANTED;
            if (!granted) {
                w.status = CANCELLED;
                queue.remove(w);
                waiting = queue.size();
                dispatchLocked(); // a fair head that left may unblock those behind it
            }
        }
        if (granted) {
            release(w.n);
        } else {
            cancelled.increment();
        }
    }

    private void setWaitersFlag() {
        long s;
        do {
            s = state.get();
        } while ((s & WAITERS) == 0 && !state.compareAndSet(s, s | WAITERS));
    }

    /**
     * Grants queued waiters that fit, in order; a fair limiter stops at the first that does not.
     * Once closed it grants nothing: the waiters fail with ClosedException (a release after close
     * must not hand a permit to a waiter that has not yet seen the close).
     */
    private void dispatchLocked() {
        if (closed) {
            return;
        }
        Iterator<Waiter> it = queue.iterator();
        while (it.hasNext()) {
            Waiter w = it.next();
            boolean granted = false;
            while (true) {
                long s = state.get();
                if ((long) used(s) + w.n > cap(s)) {
                    break;
                }
                if (state.compareAndSet(s, s + w.n)) {
                    granted = true;
                    break;
                }
            }
            if (granted) {
                it.remove();
                w.status = GRANTED;
                acquired.increment();
                LockSupport.unpark(w.thread);
            } else if (fair) {
                break;
            }
        }
        waiting = queue.size();
        if (queue.isEmpty()) {
            long s;
            do {
                s = state.get();
            } while ((s & WAITERS) != 0 && !state.compareAndSet(s, s & ~WAITERS));
        }
    }

    @Override
    public void release() {
        release(1);
    }

    @Override
    public void release(int n) {
        checkN(n);
        if (n == 0) {
            return;
        }
        long s;
        while (true) {
            s = state.get();
            int used = used(s);
            if (used < n) {
                throw new GoFlowException(component + ": released " + n + " permits but only " + used
                        + " are in use - release exactly what was acquired");
            }
            if (state.compareAndSet(s, s - n)) {
                break;
            }
        }
        if ((s & WAITERS) != 0) {
            synchronized (lock) {
                dispatchLocked();
            }
        }
    }

    @Override
    public int capacity() {
        return cap(state.get());
    }

    @Override
    public void setCapacity(int capacity) {
        if (capacity <= 0) {
            throw new InvalidConfigException(component, "capacity", capacity, "must be positive",
                    "capacity is the most permits in use at once");
        }
        ensureOpen("setCapacity");
        synchronized (lock) {
            long s;
            do {
                s = state.get();
            } while (!state.compareAndSet(s, (s & (WAITERS | USED_MASK)) | ((long) capacity << 32)));
            dispatchLocked();
        }
    }

    @Override
    public int available() {
        long s = state.get();
        return cap(s) - used(s);
    }

    @Override
    public int inUse() {
        return used(state.get());
    }

    @Override
    public int waiting() {
        return waiting;
    }

    @Override
    public boolean isFair() {
        return fair;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Primitive.Kind kind() {
        return Primitive.Kind.CONCURRENCY_LIMITER;
    }

    @Override
    public ConcurrencyLimiterStats stats() {
        long s = state.get();
        return new ConcurrencyLimiterStats(cap(s), used(s), cap(s) - used(s), waiting, fair, acquired.sum(),
                rejected.sum(), waited.sum(), cancelled.sum());
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (Waiter w : queue) {
                LockSupport.unpark(w.thread);
            }
        }
        entry.release();
    }

    private void ensureOpen(String operation) {
        if (closed) {
            throw new ClosedException(component + " is closed: " + operation + " refused");
        }
    }

    private void checkN(int n) {
        if (n < 0) {
            throw new InvalidConfigException(component, "n", n, "must not be negative",
                    "ask for zero or more permits");
        }
    }

    @Override
    public String toString() {
        long s = state.get();
        return component + "[capacity=" + cap(s) + ", inUse=" + used(s) + ", waiting=" + waiting + "]";
    }
}
