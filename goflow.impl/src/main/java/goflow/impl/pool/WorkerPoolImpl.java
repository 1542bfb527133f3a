package goflow.impl.pool;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.Registration;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.context.ContextException;
import goflow.api.context.DeadlineExceededException;
import goflow.api.pool.PoolStats;
import goflow.api.pool.QueueFullPolicy;
import goflow.api.pool.RejectedException;
import goflow.api.pool.ResultListener;
import goflow.api.pool.Task;
import goflow.api.pool.TaskResult;
import goflow.api.pool.TaskResult.Outcome;
import goflow.api.pool.WorkerPool;
import goflow.impl.internal.Check;
import goflow.impl.internal.ContextWait;
import goflow.impl.internal.Durations;
import goflow.impl.internal.PrimitiveRegistry;
import goflow.impl.internal.Stoppable;

/**
 * The {@link WorkerPool}: workers pull {@link QueuedTask}s from one bounded FIFO queue.
 *
 * <p>Thread-safe. Two locks, as in {@code LinkedBlockingQueue}: {@code putLock} guards the intake
 * (the tail of the queue, the counters of submissions, blocked submitters), {@code takeLock} the
 * head of the queue and the worker set; the queue's size is the atomic {@code count}, and every
 * life-cycle transition out of RUNNING holds both locks. Each worker counts the outcomes of the
 * tasks it ran in its own counters (single writer, no contention), folded into
 * {@code retiredCounts} under the take lock when it retires.
 */
/*
 * Implementation notes.
 *
 * The queue: a ring buffer `items` with two locks (the two-lock scheme of LinkedBlockingQueue on
 * the array of ArrayBlockingQueue). A submit takes putLock once to check the state, write the slot
 * at putIndex and increment `count`; a worker takes takeLock once to read and clear the slot at
 * takeIndex and decrement `count`. The atomic count is the hand-off between the two sides: a
 * producer writes a slot only while count < items.length (so the slot is free: its consumer cleared
 * it before decrementing), a consumer reads a slot only while count > 0 (so its producer wrote it
 * before incrementing). Growing the array (up to the capacity), removing a cancelled job from the
 * middle, draining (shutdownNow) and reading stats hold both locks (fullyLock: putLock first, then
 * takeLock; no thread ever takes putLock while it holds takeLock). There is no other hand-off per
 * task: the QueuedTask is the queue entry and the future at once, and executed Runnables are queued
 * as they are.
 *
 * Wake-ups across the locks follow Dekker's pattern on volatile/atomic fields: a submit that
 * takes count from 0 to 1 then reads `idle` and signals notEmpty (under takeLock) if a worker
 * waits; a worker that runs out of work increments idle, then re-reads count before it waits,
 * under takeLock. One of the two sees the other's write, and the signal cannot come before the
 * await (takeLock is held from the re-check to the await). Only the 0 -> 1 submit signals: a worker
 * that takes an entry and leaves more behind signals the next idle worker itself (the cascade of
 * LinkedBlockingQueue; so does a worker that retires while entries wait), so a burst of submits
 * costs the submitter one trip to takeLock, not one per task. Symmetrically for blocked submitters: a submitter publishes
 * `waitingSubmitters` and re-checks the room before it waits (under putLock); a worker decrements
 * count (or, with capacity 0, increments idle) and then reads waitingSubmitters, and signals
 * notFull under putLock, after releasing takeLock. A submit that leaves room behind it passes one
 * signal on to the next blocked submitter (and ContextWait passes one on when a waiter gives up).
 *
 * Life cycle (field `state`): RUNNING -> SHUTTING_DOWN -> TERMINATED, or RUNNING/SHUTTING_DOWN ->
 * STOPPING -> TERMINATED. Every transition out of RUNNING holds both locks; the last one (to
 * TERMINATED) holds takeLock. Because the intake check and the enqueue happen under putLock, held
 * by the transition out of RUNNING, a submit is either queued before the shutdown (and then run,
 * or cancelled with a result by shutdownNow) or rejected; once the state has left RUNNING, count
 * only goes down.
 *
 * Termination (tryTerminateLocked): shut down, no live worker, empty queue, and no result of a job
 * cancelled before it started still being delivered (`cancelling`). Whoever makes the transition
 * completes `termination` after releasing the lock.
 *
 * Workers: `target` is the wanted number, `live` the number started and not yet retired
 * (live >= target except while startWorkersLocked runs). A worker retires (under the lock, so
 * exactly the surplus retires; live and target are written under both locks) when live > target, when stopping, or when shutting down with an
 * empty queue. Growing is all or nothing: if a thread cannot be created or started, target goes
 * back to its previous value and the workers just started retire as surplus, so workers() never
 * reports threads that do not exist. Workers catch every Throwable of a task and of the
 * listener, and of pool code around a task (abandon), so they never die of one.
 *
 * Per task, a worker reads the clock once when busy (see runJob), creates a TaskContext (lazy: no
 * child context, no registration unless the task asks for one or a timeout applies) for submitted
 * tasks and nothing for executed runnables, moves the QueuedTask NEW -> RUNNING -> DONE by CAS, and counts
 * the outcome in its own single-writer counters. An executed runnable is marked RUNNING in take(),
 * under takeLock (no CAS: shutdownNow reads the workers' runs under both locks, so it sees the
 * run as started and interrupts it), and only its end is a CAS (RUNNING -> DONE, waiting out an
 * interrupt in progress).
 *
 * Why a worker reads the clock once per task, and where a task's time goes against a
 * ThreadPoolExecutor's: docs/pool.md, "Performance notes".
 */
final class WorkerPoolImpl implements WorkerPool, Stoppable {
    private static final System.Logger LOG = System.getLogger(WorkerPool.class.getName());
    private static final int RUN_NANOS = Outcome.values().length;
    private static final int MAX_NANOS = RUN_NANOS + 1;
    private static final int COUNTERS = MAX_NANOS + 1;
    /** Longs of padding on either side of a worker's counters: a cache line. */
    private static final int PAD = 8;
    /** Reasons an executed runnable was interrupted. */
    private static final int STOP_TIMEOUT = 1;
    private static final int STOP_CANCEL = 2;
    private static final VarHandle PHASE;

    static {
        try {
            PHASE = MethodHandles.lookup().findVarHandle(WorkerFields.class, "phase", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    /** The component named in errors: {@code worker-pool '<name>'}. */
    private final String component;
    private final PrimitiveRegistry.Entry entry;
    private final Clock clock;
    private final Context background;
    private final int capacity;
    /** The most workers; target never exceeds it. */
    private final int maxWorkers;
    /**
     * Blocked submitters are woken once the queue has drained to this size (half the capacity):
     * a woken producer then fills the free half without blocking again, instead of being parked
     * and unparked once per task.
     */
    private final int resumeAt;
    private final long timeoutNanos;
    private final QueueFullPolicy onFull;
    private final ResultListener listener;
    private final ThreadFactory threads;
    private final boolean virtual;

    /** The intake lock: the tail of the queue, submitted/rejected, blocked submitters. */
    private final ReentrantLock putLock = new ReentrantLock();
    /** Signalled when room appears in the queue or the pool shuts down (blocked submitters wait). */
    private final Condition notFull = putLock.newCondition();
    /** The take lock: the head of the queue, the worker set, idle workers, termination. */
    private final ReentrantLock takeLock = new ReentrantLock();
    /** Signalled when a job is queued, on a resize and on a shutdown (idle workers wait on it). */
    private final Condition notEmpty = takeLock.newCondition();
    /**
     * The queue's size: incremented by a submit after it wrote its slot, decremented by a worker
     * after it cleared the slot it took (see the implementation notes).
     */
    private final AtomicInteger count = new AtomicInteger();
    /**
     * The ring of queued entries: submitted {@link QueuedTask}s (state NEW, or just cancelled and
     * about to be removed) and executed {@link Runnable}s (queued as they are: no allocation per
     * execute), from takeIndex, count of them. Read under either lock; replaced under both.
     */
    private Object[] items;
    /** Guarded by putLock (written under both when the ring is compacted). The next slot to write. */
    private int putIndex;
    /** Guarded by takeLock (written under both when the ring is compacted). The next slot to read. */
    private int takeIndex;
    /** Guarded by takeLock. Live workers. */
    private final List<Worker> workerList = new ArrayList<>();
    /** Guarded by takeLock. Threads of retired workers that may not have ended yet. */
    private final List<Thread> retired = new ArrayList<>();
    /** Written under both locks (TERMINATED: under takeLock), so stable under either; read without. */
    private volatile State state = State.RUNNING;
    /** Written under both locks. The wanted number of workers. */
    private int target;
    /** Written under both locks (retirement: under takeLock). Workers started and not retired. */
    private int live;
    /** Written under takeLock. Workers waiting on notEmpty (volatile: read by submitters). */
    private volatile int idle;
    /** Written under putLock. Submitters waiting on notFull (volatile: read by workers). */
    private volatile int waitingSubmitters;
    /** Guarded by takeLock. Results of jobs cancelled before they started, still being delivered. */
    private int cancelling;
    /** Guarded by takeLock. */
    private int nextWorkerId;
    /** Guarded by putLock. Accepted submissions. */
    private long submitted;
    /** Guarded by putLock. Refused submissions. */
    private long rejected;

    /** Guarded by takeLock. The counters (indexed by Outcome ordinal, RUN_NANOS, MAX_NANOS) of retired workers. */
    private final long[] retiredCounts = new long[COUNTERS];
    /** Tasks cancelled before they started (counted by whichever thread cancelled them). */
    private final LongAdder cancelledUnstarted = new LongAdder();

    private final CompletableFuture<Void> termination = new CompletableFuture<>();

    WorkerPoolImpl(String name, PrimitiveRegistry.Entry entry, Clock clock, int workers, int maxWorkers,
            int capacity, Duration timeout, QueueFullPolicy onFull, ResultListener listener, ThreadFactory threads,
            boolean virtual) {
        this.name = name;
        this.component = kind().label() + " '" + name + "'";
        this.entry = entry;
        this.clock = clock;
        this.background = Context.background(clock);
        this.capacity = capacity;
        this.maxWorkers = maxWorkers;
        this.resumeAt = capacity / 2;
        this.timeoutNanos = timeout.isZero() ? 0 : Durations.toNanosSaturated(timeout);
        this.onFull = onFull;
        this.listener = listener;
        this.threads = threads;
        this.virtual = virtual;
        // The ring starts small and grows (under both locks) up to the capacity as it fills.
        this.items = new Object[Math.max(16, Math.min(capacity, 64))];
        fullyLock();
        try {
            target = workers;
            try {
                startWorkersLocked(-1);
            } catch (RuntimeException | Error e) {
                // Stop the workers already started: a pool that failed to build leaves no thread.
                state = State.STOPPING;
                notEmpty.signalAll();
                throw e;
            }
        } finally {
            fullyUnlock();
        }
    }

    /** Takes both locks, the intake lock first (the only order in which a thread holds both). */
    private void fullyLock() {
        putLock.lock();
        takeLock.lock();
    }

    private void fullyUnlock() {
        takeLock.unlock();
        putLock.unlock();
    }

    // ------------------------------------------------------------------------------------ intake

    @Override
    public <T> CompletableFuture<TaskResult<T>> submit(Task<T> task) {
        Check.notNull(kind().label(), "task", task);
        QueuedTask<T> job = new QueuedTask<>(this, task, background);
        enqueue(job, background);
        return job;
    }

    @Override
    public <T> CompletableFuture<TaskResult<T>> submit(Context ctx, Task<T> task) {
        Check.notNull(kind().label(), "ctx", ctx);
        Check.notNull(kind().label(), "task", task);
        if (ctx.isDone()) {
            countRejected();
            throw ctx.error().orElseThrow().rethrowable();
        }
        QueuedTask<T> job = new QueuedTask<>(this, task, ctx);
        // Watch the context before queueing, so the registration is in place before any worker
        // can start (and close) it; while the job is PENDING the watch does nothing.
        job.queuedWatch = ctx.onDone(job);
        try {
            enqueue(job, ctx);
        } catch (RuntimeException e) {
            job.queuedWatch.close();
            throw e;
        }
        return job;
    }

    @Override
    public void execute(Runnable command) {
        Check.notNull(kind().label(), "command", command);
        // A QueuedTask is also a Runnable (its context watch): never let one pass for a runnable.
        enqueue(command instanceof QueuedTask ? (Runnable) command::run : command, background);
    }

    /** Queues {@code item}, waiting for room with BLOCK; see WorkerPool#submit for the outcomes. */
    private void enqueue(Object item, Context ctx) {
        ContextWait wait = null;
        boolean waiting = false;
        int c;
        putLock.lock();
        try {
            while (true) {
                if (state != State.RUNNING) {
                    rejected++;
                    throw new RejectedException(RejectedException.Reason.SHUT_DOWN,
                            "worker-pool '" + name + "' is shut down: task rejected", null);
                }
                c = count.get();
                if (c < (capacity == 0 ? idle : capacity)) {
                    Object[] a = c == items.length ? grow() : items;
                    int p = putIndex;
                    a[p] = item;
                    putIndex = p + 1 == a.length ? 0 : p + 1;
                    if (item instanceof QueuedTask<?> job) {
                        job.queued();
                    }
                    submitted++;
                    c = count.getAndIncrement();
                    if (waitingSubmitters > (waiting ? 1 : 0) && capacity != 0 && c + 1 < capacity) {
                        notFull.signal(); // room is left: pass the wake-up on to the next submitter
                    }
                    break;
                }
                if (onFull == QueueFullPolicy.REJECT) {
                    rejected++;
                    throw new RejectedException(RejectedException.Reason.QUEUE_FULL,
                            "worker-pool '" + name + "' queue is full (capacity " + capacity + "): task rejected",
                            null);
                }
                if (!waiting) {
                    // Publish the wait, then check the room again before waiting (see the notes).
                    waiting = true;
                    waitingSubmitters++;
                    continue;
                }
                if (wait == null) {
                    wait = new ContextWait(ctx, putLock, notFull);
                }
                try {
                    wait.await(this::hasRoom);
                } catch (InterruptedException e) {
                    rejected++;
                    Thread.currentThread().interrupt();
                    throw new RejectedException(RejectedException.Reason.INTERRUPTED,
                            "interrupted while waiting for room in worker-pool '" + name + "': task rejected", e);
                } catch (ContextException e) {
                    rejected++;
                    throw e;
                }
            }
        } finally {
            if (waiting) {
                waitingSubmitters--;
            }
            putLock.unlock();
            ContextWait.close(wait);
        }
        // Only the submit that made the queue non-empty wakes a worker; a worker that takes an entry
        // and leaves more behind wakes the next (see take). count was incremented before this read
        // of idle: a worker that is about to wait re-reads count after publishing itself in idle,
        // so one of the two sees the other.
        if (c == 0 && idle > 0) {
            takeLock.lock();
            try {
                notEmpty.signal();
            } finally {
                takeLock.unlock();
            }
        }
    }

    /**
     * Whether a submit may queue now. Called under putLock. With capacity 0, count is read before
     * idle: a worker leaves idle before it takes an entry, so the check errs on "no room".
     */
    private boolean hasRoom() {
        int c = count.get();
        return c < (capacity == 0 ? idle : capacity);
    }

    /**
     * Grows the full ring (called under putLock, with count == items.length and room left under
     * the capacity); takes takeLock for the copy. Returns the array to write into.
     */
    private Object[] grow() {
        takeLock.lock();
        try {
            Object[] a = items;
            int n = count.get();
            if (n < a.length) {
                return a; // a worker took one meanwhile: the slot at putIndex is free
            }
            int limit = capacity == 0 ? Integer.MAX_VALUE - 8 : capacity;
            int len = (int) Math.min(Math.max((long) a.length * 2, n + 1L), limit);
            Object[] b = new Object[len];
            for (int k = 0, i = takeIndex; k < n; k++, i = i + 1 == a.length ? 0 : i + 1) {
                b[k] = a[i];
            }
            items = b;
            takeIndex = 0;
            putIndex = n;
            return b;
        } finally {
            takeLock.unlock();
        }
    }

    /** Removes {@code o} from the queue, keeping the order of the rest. Under both locks. */
    private boolean removeFullyLocked(Object o) {
        Object[] a = items;
        int n = count.get();
        int len = a.length;
        for (int k = 0, i = takeIndex; k < n; k++, i = i + 1 == len ? 0 : i + 1) {
            if (a[i] == o) {
                for (int m = k, j = i; m < n - 1; m++) {
                    int next = j + 1 == len ? 0 : j + 1;
                    a[j] = a[next];
                    j = next;
                }
                putIndex = putIndex == 0 ? len - 1 : putIndex - 1;
                a[putIndex] = null;
                count.decrementAndGet();
                return true;
            }
        }
        return false;
    }

    /** Empties the queue and returns its entries in order. Under both locks. */
    private List<Object> drainFullyLocked() {
        Object[] a = items;
        int n = count.get();
        List<Object> out = new ArrayList<>(n);
        for (int k = 0, i = takeIndex; k < n; k++, i = i + 1 == a.length ? 0 : i + 1) {
            out.add(a[i]);
            a[i] = null;
        }
        takeIndex = 0;
        putIndex = 0;
        count.set(0);
        return out;
    }

    private void countRejected() {
        putLock.lock();
        try {
            rejected++;
        } finally {
            putLock.unlock();
        }
    }

    /** Wakes one blocked submitter. Called without takeLock (lock order). */
    private void signalNotFull() {
        putLock.lock();
        try {
            notFull.signal();
        } finally {
            putLock.unlock();
        }
    }

    // ----------------------------------------------------------------------------------- workers

    /**
     * Starts workers until live == target. Under both locks. If a thread cannot be created or
     * started, throws the InvalidConfigException that names the pool, the target and the cause;
     * the workers started so far keep running (the caller decides what becomes of them).
     *
     * @param keep the number of workers the pool keeps on failure, for the message; -1 while building
     */
    private void startWorkersLocked(int keep) {
        int needed = target - live;
        for (int i = 1; live < target; i++) {
            try {
                Worker w = new Worker(nextWorkerId);
                Thread t = threads.newThread(w);
                if (t == null) {
                    throw new IllegalStateException("the thread factory returned null");
                }
                t.setName("goflow-" + kind().label() + "-" + name + "-" + nextWorkerId);
                w.thread = t;
                t.start();
                nextWorkerId++;
                live++;
                workerList.add(w);
            } catch (RuntimeException | Error e) {
                // OutOfMemoryError "unable to create native thread" is what the JVM throws when the
                // system refuses: the pool and the JVM go on, with what runs.
                InvalidConfigException refused = new InvalidConfigException(component, "workers", target,
                        "could not start the threads: new worker " + i + " of " + needed + " failed with " + e
                                + (keep >= 0 ? "; the pool keeps its " + keep + " workers" : ""),
                        "the system refuses more threads: lower the number, or raise the limit on threads");
                refused.initCause(e);
                throw refused;
            }
        }
    }

    /**
     * Padding before a worker's fields (a superclass's fields are laid out before its subclass's):
     * the workers are allocated together, and without padding one worker's per-task writes (its
     * run phase, its clock, its current task) would invalidate the cache line another worker is
     * writing.
     */
    abstract static class WorkerPadBefore {
        long pb0, pb1, pb2, pb3, pb4, pb5, pb6, pb7;
    }

    /** The fields of a {@link Worker}, between {@link WorkerPadBefore} and {@link WorkerPadAfter}. */
    abstract static class WorkerFields extends WorkerPadBefore {
        final int id;
        Thread thread;
        /**
         * The QueuedTask or Runnable taken last (kept after it ended; its state tells). Guarded by takeLock:
         * written when taken, read by shutdownNow() and stats().
         */
        Object current;
        /**
         * Per-run state of executed runnables, which have no QueuedTask: {@code seq * 8 + phase}, CAS
         * through {@code PHASE}; seq counts this worker's runnables, so an interrupter (timeout,
         * shutdownNow) acts on exactly the run it was meant for. Phases as in QueuedTask:
         * RUNNING (set when taken, under takeLock), INTERRUPTING, DONE.
         */
        volatile long phase;
        /** The seq of the runnable taken last. Written under takeLock by this worker. */
        long seq;
        /** Why the run with seq {@code stoppedSeq} was interrupted: STOP_TIMEOUT or STOP_CANCEL. */
        volatile int stopReason;
        volatile long stoppedSeq = -1;
        /**
         * Outcome counts of the tasks this worker ran (at PAD + the Outcome ordinal, PAD + RUN_NANOS
         * and PAD + MAX_NANOS: padded, so that no other object shares their cache line).
         * Single writer (this worker, with lazySet: no fence on the hot path); read by stats().
         */
        final AtomicLongArray counts = new AtomicLongArray(PAD + COUNTERS + PAD);
        /** When this worker's last task ended, on the pool clock. Worker thread only. */
        long lastEnd;
        /** Whether this worker waited (or ran other code) since its last task ended: then read the clock. */
        boolean waited = true;

        WorkerFields(int id) {
            this.id = id;
        }
    }

    /** Padding after a worker's fields; see {@link WorkerPadBefore}. */
    abstract static class WorkerPadAfter extends WorkerFields {
        long pa0, pa1, pa2, pa3, pa4, pa5, pa6, pa7;

        WorkerPadAfter(int id) {
            super(id);
        }
    }

    /** A worker: takes jobs until it retires. */
    private final class Worker extends WorkerPadAfter implements Runnable {
        Worker(int id) {
            super(id);
        }

        boolean casPhase(long runSeq, int from, int to) {
            return PHASE.compareAndSet((WorkerFields) this, runSeq * 8 + from, runSeq * 8 + to);
        }

        /** Interrupts this worker if, and only while, it runs the runnable {@code runSeq}. */
        void interruptRunnable(long runSeq, int reason) {
            if (casPhase(runSeq, QueuedTask.RUNNING, QueuedTask.INTERRUPTING)) {
                try {
                    stopReason = reason;
                    stoppedSeq = runSeq;
                    thread.interrupt();
                } finally {
                    PHASE.setRelease((WorkerFields) this, runSeq * 8 + QueuedTask.RUNNING);
                }
            }
        }

        void count(Outcome outcome, long nanos) {
            int i = PAD + outcome.ordinal();
            counts.lazySet(i, counts.get(i) + 1);
            counts.lazySet(PAD + RUN_NANOS, counts.get(PAD + RUN_NANOS) + nanos);
            if (nanos > counts.get(PAD + MAX_NANOS)) {
                counts.lazySet(PAD + MAX_NANOS, nanos);
            }
        }

        void addCountsTo(long[] into) {
            for (int i = 0; i < MAX_NANOS; i++) {
                into[i] += counts.get(PAD + i);
            }
            into[MAX_NANOS] = Math.max(into[MAX_NANOS], counts.get(PAD + MAX_NANOS));
        }

        @Override
        public void run() {
            Object item;
            while ((item = take(this)) != null) {
                try {
                    if (item instanceof QueuedTask<?> job) {
                        runJob(job, this);
                    } else {
                        runExecuted((Runnable) item, this);
                    }
                } catch (Throwable t) {
                    // Not the task (its throwables are results) but pool code around it: a failing
                    // clock, an allocation failure. Fail the task; the worker lives on.
                    abandon(item, this, t);
                }
            }
        }
    }

    /** Takes the next QueuedTask or Runnable, or returns null when {@code w} retires. */
    private Object take(Worker w) {
        boolean terminated = false;
        Object item = null;
        int c = 0;
        takeLock.lock();
        try {
            while (true) {
                if (mustRetire()) {
                    if (count.get() > 0 && idle > 0) {
                        notEmpty.signal(); // this worker may have been woken for work: pass it on
                    }
                    live--;
                    workerList.remove(w);
                    retired.removeIf(t -> !t.isAlive());
                    retired.add(w.thread);
                    w.addCountsTo(retiredCounts);
                    terminated = tryTerminateLocked();
                    return null;
                }
                if (count.get() > 0) {
                    Object[] a = items;
                    int t = takeIndex;
                    item = a[t];
                    a[t] = null;
                    takeIndex = t + 1 == a.length ? 0 : t + 1;
                    w.current = item;
                    if (!(item instanceof QueuedTask)) {
                        // A runnable starts here, under takeLock: shutdownNow (which drains the
                        // queue and reads the workers' runs under both locks) sees it RUNNING and
                        // interrupts it. A stray interrupt is cleared first, so from now on an
                        // interrupt is meant for this run. No CAS: nobody else writes NEW runs.
                        long runSeq = ++w.seq;
                        Thread.interrupted();
                        PHASE.setRelease((WorkerFields) w, runSeq * 8 + QueuedTask.RUNNING);
                    }
                    c = count.getAndDecrement() - 1;
                    if (c > 0 && idle > 0) {
                        notEmpty.signal(); // more is queued: pass the wake-up on
                    }
                    break;
                }
                idle++;
                w.waited = true;
                try {
                    if (capacity == 0 && waitingSubmitters > 0) {
                        // Hand-off: this idle worker is room for a blocked submitter. Signal it
                        // outside takeLock (lock order), then re-check before waiting.
                        takeLock.unlock();
                        try {
                            signalNotFull();
                        } finally {
                            takeLock.lock();
                        }
                        if (mustRetire()) {
                            continue;
                        }
                    }
                    // Re-read count after publishing idle (see the notes): no wake-up is lost.
                    if (count.get() == 0) {
                        notEmpty.await();
                    }
                } catch (InterruptedException e) {
                    // An interrupt meant for a task that has ended, or shutdownNow: re-check.
                } finally {
                    idle--;
                }
            }
        } finally {
            takeLock.unlock();
            if (terminated) {
                terminated();
            }
        }
        // count was decremented before this read: a submitter re-checks the room after it
        // published itself in waitingSubmitters, so one of the two sees the other.
        if (capacity != 0 && c <= resumeAt && waitingSubmitters > 0) {
            signalNotFull();
        }
        return item;
    }

    /** Whether a worker retires now: stopping, surplus, or shut down with nothing queued. Under takeLock. */
    private boolean mustRetire() {
        State s = state;
        return s == State.STOPPING || live > target || (s != State.RUNNING && count.get() == 0);
    }

    private <T> void runJob(QueuedTask<T> job, Worker w) {
        if (job.state() != QueuedTask.NEW) {
            return; // cancelled while queued; the canceller delivers its result
        }
        Context parent = job.parent;
        if (parent.isDone()) {
            cancelUnstarted(job, QueuedTask.contextFailure(parent));
            return;
        }
        TaskContext ctx = new TaskContext(parent, timeoutNanos, job);
        job.ctx = ctx;
        job.runner = w.thread;
        Thread.interrupted(); // a stray interrupt must not hit this task
        if (!job.casState(QueuedTask.NEW, QueuedTask.RUNNING)) {
            return; // cancelled just now; the canceller delivers its result
        }
        job.queuedWatch.close();
        ctx.start();
        // A worker that took the job without waiting reuses the end of its previous task as the
        // start: one clock read per task under load (the clock read is a large share of a no-op
        // task's cost); the difference is the dequeue itself.
        long start = w.waited ? clock.nanoTime() : w.lastEnd;
        T value = null;
        Throwable failure = null;
        try {
            value = job.task.run(ctx);
        } catch (Throwable t) {
            failure = t;
        }
        long end = clock.nanoTime();
        w.lastEnd = end;
        w.waited = false;
        long nanos = Math.max(0, end - start);
        job.finishRun();
        Thread.interrupted();
        Outcome outcome = Outcome.SUCCEEDED;
        ctx.release();
        if (failure != null) {
            ContextException why = ctx.endedBy();
            outcome = why == null ? Outcome.FAILED
                    : why instanceof DeadlineExceededException ? Outcome.TIMED_OUT : Outcome.CANCELLED;
        }
        ctx.close();
        w.count(outcome, nanos);
        if (listener != null || job.getNumberOfDependents() != 0) {
            w.waited = true; // the listener and dependent stages run now: not part of the next task
        }
        deliver(job, new TaskResult<>(outcome, outcome == Outcome.SUCCEEDED ? value : null, failure,
                Duration.ofNanos(nanos), w.id));
    }

    /** Runs an executed runnable: like runJob, with the per-run state on the worker. */
    private void runExecuted(Runnable command, Worker w) {
        long runSeq = w.seq; // already RUNNING (see take)
        Registration timer = timeoutNanos > 0
                ? clock.schedule(clock.nanoTime() + timeoutNanos, () -> w.interruptRunnable(runSeq, STOP_TIMEOUT))
                : Registration.NONE;
        long start = w.waited ? clock.nanoTime() : w.lastEnd;
        Throwable failure = null;
        try {
            command.run();
        } catch (Throwable t) {
            failure = t;
        }
        long end = clock.nanoTime();
        w.lastEnd = end;
        w.waited = false;
        long nanos = Math.max(0, end - start);
        while (!w.casPhase(runSeq, QueuedTask.RUNNING, QueuedTask.DONE)) {
            Thread.onSpinWait();
        }
        Thread.interrupted();
        timer.close();
        Outcome outcome = Outcome.SUCCEEDED;
        if (failure != null) {
            outcome = w.stoppedSeq != runSeq ? Outcome.FAILED
                    : w.stopReason == STOP_TIMEOUT ? Outcome.TIMED_OUT : Outcome.CANCELLED;
        }
        w.count(outcome, nanos);
        if (listener != null || outcome == Outcome.FAILED || outcome == Outcome.TIMED_OUT) {
            // (a success without a listener has no observer: no result object)
            w.waited = true;
            deliverExecuted(command, new TaskResult<>(outcome, null, failure, Duration.ofNanos(nanos), w.id));
        }
    }

    private void abandon(Object item, Worker w, Throwable t) {
        try {
            LOG.log(Level.ERROR, "worker-pool '" + name + "': worker " + w.id + " failed around task " + item, t);
            w.waited = true;
            if (item instanceof QueuedTask<?> job) {
                job.casState(QueuedTask.RUNNING, QueuedTask.DONE);
                if (!job.isDone()) {
                    w.count(Outcome.FAILED, 0);
                    job.complete(failedResult(t, w.id));
                }
            } else {
                w.casPhase(w.seq, QueuedTask.RUNNING, QueuedTask.DONE);
                w.count(Outcome.FAILED, 0);
            }
        } catch (Throwable again) {
            // nothing more can be done; the worker keeps going
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> TaskResult<T> failedResult(Throwable t, int workerId) {
        return (TaskResult<T>) new TaskResult<>(Outcome.FAILED, null, t, Duration.ZERO, workerId);
    }

    /**
     * Cancels a job that has not started: it never will. Returns false if it had started (or was
     * cancelled) already.
     */
    boolean cancelUnstarted(QueuedTask<?> job, Throwable why) {
        if (!job.casState(QueuedTask.NEW, QueuedTask.CANCELLED)) {
            return false;
        }
        fullyLock();
        try {
            if (removeFullyLocked(job) && waitingSubmitters > 0) {
                notFull.signal();
            }
            cancelling++;
        } finally {
            fullyUnlock();
        }
        try {
            job.queuedWatch.close();
            cancelledUnstarted.increment();
            deliver(job, new TaskResult<>(Outcome.CANCELLED, null, why, Duration.ZERO, -1));
        } finally {
            doneCancelling(1);
        }
        return true;
    }

    private void doneCancelling(int n) {
        boolean terminated;
        takeLock.lock();
        try {
            cancelling -= n;
            terminated = tryTerminateLocked();
        } finally {
            takeLock.unlock();
        }
        if (terminated) {
            terminated();
        }
    }

    private <T> void deliver(QueuedTask<T> job, TaskResult<T> result) {
        notifyListener(job.task, result);
        job.complete(result);
    }

    /** Delivers the result of an executed runnable: to the listener, or a failure to the log. */
    private void deliverExecuted(Runnable command, TaskResult<Void> result) {
        if (listener != null) {
            notifyListener(Task.of(command), result);
        } else if (result.outcome() == Outcome.FAILED || result.outcome() == Outcome.TIMED_OUT) {
            LOG.log(Level.WARNING, "worker-pool '" + name + "': executed task " + command + " "
                    + result.outcome().name().toLowerCase(java.util.Locale.ROOT), result.failure());
        }
    }

    private void notifyListener(Task<?> task, TaskResult<?> result) {
        if (listener != null) {
            try {
                listener.onResult(task, result);
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "worker-pool '" + name + "': result listener failed", t);
            }
        }
    }

    // -------------------------------------------------------------------------------- life cycle

    @Override
    public CompletableFuture<Void> shutdown() {
        boolean terminated = false;
        fullyLock();
        try {
            if (state == State.RUNNING) {
                state = State.SHUTTING_DOWN;
                notEmpty.signalAll();
                notFull.signalAll();
                terminated = tryTerminateLocked();
            }
        } finally {
            fullyUnlock();
        }
        if (terminated) {
            terminated();
        }
        return termination;
    }

    @Override
    public List<Task<?>> shutdownNow() {
        List<Object> drained;
        List<Object> taken = new ArrayList<>();
        List<Worker> takers = new ArrayList<>();
        List<Long> takenSeqs = new ArrayList<>();
        fullyLock();
        try {
            if (state != State.RUNNING && state != State.SHUTTING_DOWN) {
                return List.of();
            }
            state = State.STOPPING;
            drained = drainFullyLocked();
            for (Worker w : workerList) {
                if (w.current != null) {
                    taken.add(w.current);
                    takers.add(w);
                    takenSeqs.add(w.seq);
                }
            }
            cancelling += drained.size() + taken.size();
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            fullyUnlock();
        }
        List<Task<?>> unstarted = new ArrayList<>();
        try {
            CancelledException why = new CancelledException(
                    new ClosedException("worker-pool '" + name + "' was shut down now"));
            for (Object item : drained) {
                if (item instanceof QueuedTask<?> job) {
                    if (job.stop(why, true)) {
                        unstarted.add(job.task);
                    }
                } else {
                    unstarted.add(cancelExecuted((Runnable) item, why));
                }
            }
            for (int i = 0; i < taken.size(); i++) {
                Object item = taken.get(i);
                if (item instanceof QueuedTask<?> job) {
                    if (job.stop(why, true)) {
                        unstarted.add(job.task);
                    }
                } else {
                    // A taken runnable has started (see take): interrupt it if it still runs.
                    takers.get(i).interruptRunnable(takenSeqs.get(i), STOP_CANCEL);
                }
            }
        } finally {
            doneCancelling(drained.size() + taken.size());
        }
        return List.copyOf(unstarted);
    }

    /** Gives an executed runnable that will never start its CANCELLED result; returns it as a Task. */
    private Task<?> cancelExecuted(Runnable command, Throwable why) {
        cancelledUnstarted.increment();
        deliverExecuted(command, new TaskResult<>(Outcome.CANCELLED, null, why, Duration.ZERO, -1));
        return Task.of(command);
    }

    /**
     * Moves to TERMINATED if nothing is left; the caller then calls terminated(). Under takeLock:
     * once shut down, nothing is queued any more (count only goes down), and blocked submitters
     * were woken by the shutdown.
     */
    private boolean tryTerminateLocked() {
        if ((state == State.SHUTTING_DOWN || state == State.STOPPING) && live == 0 && count.get() == 0
                && cancelling == 0) {
            state = State.TERMINATED;
            return true;
        }
        return false;
    }

    private void terminated() {
        entry.release();
        termination.complete(null);
    }

    @Override
    public CompletableFuture<Void> termination() {
        return termination;
    }

    @Override
    public boolean isShutdown() {
        return state != State.RUNNING;
    }

    @Override
    public boolean isTerminated() {
        return termination.isDone();
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        Check.notNull(kind().label(), "timeout", timeout);
        // saturatedNanos is at most Long.MAX_VALUE / 2, so deadline - nanoTime() never overflows.
        long deadline = clock.nanoTime() + Durations.toNanosSaturated(timeout);
        if (!termination.isDone()) {
            Thread self = Thread.currentThread();
            CompletableFuture<Void> wake = termination.thenRun(() -> LockSupport.unpark(self));
            try {
                while (!termination.isDone()) {
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    long left = deadline - clock.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    clock.parkNanos(this, left);
                }
            } finally {
                wake.cancel(false);
            }
        }
        joinThreads();
        return true;
    }

    /** Waits for the threads of retired workers to end (they have nothing left to do). */
    private void joinThreads() throws InterruptedException {
        List<Thread> toJoin;
        takeLock.lock();
        try {
            toJoin = new ArrayList<>(retired);
        } finally {
            takeLock.unlock();
        }
        for (Thread t : toJoin) {
            if (t != Thread.currentThread()) {
                t.join();
            }
        }
    }

    private boolean isOwnWorker() {
        Thread self = Thread.currentThread();
        takeLock.lock();
        try {
            for (Worker w : workerList) {
                if (w.thread == self) {
                    return true;
                }
            }
            return false;
        } finally {
            takeLock.unlock();
        }
    }

    @Override
    public void close() {
        shutdown();
        if (isOwnWorker()) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                termination.get();
                joinThreads();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                shutdownNow();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError(e); // never completed exceptionally
            }
        }
        entry.release();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------- bounded close (Stoppable)

    @Override
    public void stopGracefully() {
        shutdown();
    }

    @Override
    public CompletableFuture<Void> stopped() {
        return termination;
    }

    @Override
    public void stopNow() {
        shutdownNow();
    }

    /**
     * Removes the pool from the registry without waiting for it; its workers still running a task
     * retire when the task returns (the pool is stopping), and the pool terminates then.
     */
    @Override
    public List<Thread> abandon(String why) {
        List<Thread> running = new ArrayList<>();
        takeLock.lock();
        try {
            for (Worker w : workerList) {
                running.add(w.thread);
            }
        } finally {
            takeLock.unlock();
        }
        entry.release();
        return List.copyOf(running);
    }

    // ------------------------------------------------------------------------------- inspection

    @Override
    public int workers() {
        takeLock.lock();
        try {
            return target;
        } finally {
            takeLock.unlock();
        }
    }

    @Override
    public int maxWorkers() {
        return maxWorkers;
    }

    @Override
    public void setWorkers(int workers) {
        Check.positive(component, "workers", workers, "the number of threads running tasks");
        if (workers > maxWorkers) {
            throw new InvalidConfigException(component, "workers", workers, "must be at most maxWorkers=" + maxWorkers,
                    "set a higher maxWorkers when building the pool if this many threads are really wanted");
        }
        fullyLock();
        try {
            if (state != State.RUNNING) {
                throw new ClosedException("worker-pool '" + name + "' is shut down: cannot set workers");
            }
            int previous = target;
            target = workers;
            if (live < target) {
                try {
                    startWorkersLocked(previous);
                } catch (InvalidConfigException e) {
                    // All or nothing: the workers this call started retire as surplus (idle ones
                    // at once), so workers() stays what really runs.
                    target = previous;
                    notEmpty.signalAll();
                    throw e;
                }
            } else {
                notEmpty.signalAll();
            }
        } finally {
            fullyUnlock();
        }
    }

    @Override
    public int queueCapacity() {
        return capacity;
    }

    @Override
    public PoolStats stats() {
        State s;
        int t;
        int busy = 0;
        int queued;
        long sub;
        long rej;
        long[] c = new long[COUNTERS];
        fullyLock();
        try {
            System.arraycopy(retiredCounts, 0, c, 0, COUNTERS);
            for (Worker w : workerList) {
                w.addCountsTo(c);
            }
            s = state;
            t = target;
            queued = count.get();
            sub = submitted;
            rej = rejected;
            for (Worker w : workerList) {
                Object item = w.current;
                int st = item instanceof QueuedTask<?> j ? j.state() : item == null ? QueuedTask.DONE : (int) (w.phase & 7);
                if (st == QueuedTask.NEW || st == QueuedTask.RUNNING || st == QueuedTask.INTERRUPTING) {
                    busy++;
                }
            }
        } finally {
            fullyUnlock();
        }
        long ok = c[Outcome.SUCCEEDED.ordinal()];
        long bad = c[Outcome.FAILED.ordinal()];
        long late = c[Outcome.TIMED_OUT.ordinal()];
        long runCancelled = c[Outcome.CANCELLED.ordinal()];
        long runs = ok + bad + late + runCancelled;
        long gone = runCancelled + cancelledUnstarted.sum();
        Duration avg = runs == 0 ? Duration.ZERO : Duration.ofNanos(c[RUN_NANOS] / runs);
        return new PoolStats(s, t, busy, queued, capacity, virtual, sub, ok + bad + late + gone, ok, bad, late,
                gone, rej, avg, Duration.ofNanos(c[MAX_NANOS]));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Kind kind() {
        return Kind.WORKER_POOL;
    }

    @Override
    public String toString() {
        return "WorkerPool[" + name + ", " + stats().toMap() + "]";
    }

}
