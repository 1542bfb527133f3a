package goflow.impl.pool;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
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
import goflow.impl.internal.BoundedPark;
import goflow.impl.internal.Check;
import goflow.impl.internal.ContextWait;
import goflow.impl.internal.Droppable;
import goflow.impl.internal.Handoff;
import goflow.impl.internal.Durations;
import goflow.impl.internal.PrimitiveRegistry;
import goflow.impl.internal.Stoppable;

/**
 * The {@link WorkerPool}: workers pull {@link QueuedTask}s from one bounded FIFO queue.
 *
 * <p>Thread-safe. All queue, worker-set and life-cycle state is guarded by {@code lock}; each
 * worker counts the outcomes of the tasks it ran in its own counters (single writer, no contention),
 * folded into {@code retiredCounts} under the lock when it retires.
 */
/*
 * Implementation notes.
 *
 * One lock, two conditions (like ArrayBlockingQueue): a submit takes the lock once to check the
 * state and enqueue; a worker takes it once to dequeue, and when the queue is long it takes its fair
 * share of the queue (less when the workers are more than the processors) into a batch of its own
 * that it runs without the lock (startLocked; fairness and capacity there). There is no other
 * hand-off per task: the QueuedTask is the queue node and the future at once, and executed
 * Runnables get no context at all.
 *
 * Life cycle (field `state`): RUNNING -> SHUTTING_DOWN -> TERMINATED, or RUNNING/SHUTTING_DOWN ->
 * STOPPING -> TERMINATED. Every transition happens under `lock`. Because the intake check and the
 * enqueue happen under the same lock as the transition out of RUNNING, a submit is either queued
 * before the shutdown (and then run, or cancelled with a result by shutdownNow) or rejected.
 *
 * Termination (tryTerminateLocked): shut down, no live worker, empty queue, and no result of a job
 * cancelled before it started still being delivered (`cancelling`). Whoever makes the transition
 * completes `termination` after releasing the lock.
 *
 * Workers: `target` is the wanted number, `live` the number started and not yet retired
 * (live >= target except while startWorkersLocked runs). A worker retires (under the lock, so
 * exactly the surplus retires) when live > target, when stopping, or when shutting down with an
 * empty queue. Growing is all or nothing: if a thread cannot be created or started, target goes
 * back to its previous value and the workers just started retire as surplus, so workers() never
 * reports threads that do not exist. Workers catch every Throwable of a task and of the
 * listener, and of pool code around a task (abandon), so they never die of one.
 *
 * Per task, a worker reads the clock once when busy (see runJob; not at all when the pool does not
 * measure task times), creates a TaskContext (lazy: no
 * child context, no registration unless the task asks for one or a timeout applies) for submitted
 * tasks and nothing for executed runnables, moves the QueuedTask NEW -> RUNNING -> DONE by CAS, and counts
 * the outcome in its own single-writer counters. Each worker's run word (WorkerFields.run) holds the
 * position of its current item in its batch and the run's phase: a run taken from the queue starts
 * under the lock (no CAS: shutdownNow reads the workers' runs under the same lock, so it sees the
 * run as started and interrupts it), and one CAS ends a run (waiting out an interrupt in progress)
 * and starts the next pending item of the batch, if any.
 *
 * Why a worker reads the clock once per task, and where a task's time goes against a
 * ThreadPoolExecutor's: docs/pool.md, "Performance notes".
 */
final class WorkerPoolImpl implements WorkerPool, Stoppable, Handoff {
    private static final System.Logger LOG = System.getLogger(WorkerPool.class.getName());
    private static final int RUN_NANOS = Outcome.values().length;
    private static final int MAX_NANOS = RUN_NANOS + 1;
    private static final int COUNTERS = MAX_NANOS + 1;
    /** Longs of padding on either side of a worker's counters: a cache line. */
    private static final int PAD = 8;
    /** Reasons an executed runnable was interrupted. */
    private static final int STOP_TIMEOUT = 1;
    private static final int STOP_CANCEL = 2;
    /**
     * Slots of a worker's batch: when the queue is long a worker takes up to this many tasks in one
     * acquisition of the lock (see take). A power of two.
     */
    static final int BATCH = 16;
    private static final int BATCH_MASK = BATCH - 1;
    /**
     * The most tasks a worker takes in one acquisition of the lock while the workers are more than
     * the processors. Then a worker holding a batch is often descheduled, and its batch waits for it
     * until it runs again or another worker takes it back (STALL_NANOS): a short batch still takes
     * the lock a quarter as often, and holds little behind a worker that is not running (measured on
     * 2 vCPUs, 8 workers, ~10 µs tasks: 0.90-0.92× the time of no batches, and a task started after
     * one submitted after it by 0.6 ms at the 99th percentile, 3.1 ms with batches of 16;
     * docs/pool.md, "Performance notes").
     */
    static final int BATCH_ABOVE_PROCESSORS = 4;
    /**
     * A worker that has claimed nothing of its batch for this long (on the pool clock) is busy
     * with a long task or not getting the CPU: the rest of its batch goes back to the queue.
     */
    static final long STALL_NANOS = 1_000_000;
    /**
     * Items a worker runs per call of Worker.runLeg, which then returns to the worker's outer loop.
     * Why not one loop for the worker's life: HotSpot compiles such a loop once, on stack (OSR),
     * and a worker never leaves that frame. When the compiled loop is made not entrant (a branch
     * of a task or of the pool taken for the first time, a "deoptimization"), the workers still in
     * it go on running it; a call from it to a method that was recompiled meanwhile (take) is then
     * bound to the interpreter and, its caller being not entrant, never patched back. Measured on
     * JDK 17, 2 vCPUs, 8 workers, no-op tasks, the pool measuring task times: in about one JVM of
     * 25 take ran interpreted, under the lock, for good from a second or so after the start, at
     * half the throughput (async-profiler: take interpreted, 18 % of the workers' samples). With
     * legs, a worker enters the current code of runLeg at every leg (no slow JVM in 100). The outer
     * loop goes round once per leg, so it is compiled on stack only after some 60 million tasks
     * (HotSpot's back-edge threshold), and it has nothing that could trap; it calls runLeg, whose
     * compiled code is then too big to be inlined into it (InlineSmallCode).
     */
    static final int RUN_LEG = 1024;
    /**
     * The longest awaitTermination joins a worker thread at a time before it looks at the pool
     * clock again (which may be a test's fake clock, not running with real time).
     */
    private static final long JOIN_SLICE_NANOS = 10_000_000;
    /** The phase bits of a worker's run word: RUN_DONE, RUN_RUNNING, RUN_INTERRUPTING or RUN_INTERRUPTED. */
    private static final long PHASE_BITS = 3;
    /** Run word phases, as QueuedTask's DONE, RUNNING and INTERRUPTING. */
    private static final int RUN_DONE = 0;
    private static final int RUN_RUNNING = 1;
    private static final int RUN_INTERRUPTING = 2;
    /**
     * Running, and interrupted once: what an interrupter leaves behind, so that the word differs
     * from the one the worker may have read before it cleared its interrupt flag (see
     * Worker.interruptRunnable). Odd like RUN_RUNNING: both are a run in progress.
     */
    private static final int RUN_INTERRUPTED = 3;
    /** The run word's flag: the items after the run's position were taken back from the batch. */
    private static final long REVOKED = 4;
    private static final VarHandle RUN;

    static {
        try {
            RUN = MethodHandles.lookup().findVarHandle(WorkerFields.class, "run", long.class);
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
    /**
     * Whether workers read the clock around tasks (WorkerPoolBuilder.measureTaskTimes): if not, the
     * run-time counters stay zero, stats() reports no task times and every TaskResult's duration is
     * zero. Worker.lastEnd and Worker.waited are then unused.
     */
    private final boolean measureTaskTimes;
    /** Above this many workers, batches are at most BATCH_ABOVE_PROCESSORS tasks (see batchExtra). */
    private final int processors = Runtime.getRuntime().availableProcessors();

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a job is queued (workers wait on it). */
    private final Condition notEmpty = lock.newCondition();
    /** Signalled when room appears in the queue or the pool shuts down (blocked submitters wait). */
    private final Condition notFull = lock.newCondition();
    /**
     * Guarded by lock. FIFO of submitted {@link QueuedTask}s (state NEW, or just cancelled and about to be
     * removed) and executed {@link Runnable}s (queued as they are: no allocation per execute).
     */
    private final ArrayDeque<Object> queue;
    /** Guarded by lock. Live workers. */
    private final List<Worker> workerList = new ArrayList<>();
    /**
     * Guarded by lock. Scratch space for one worker's revoked pending items (Worker.revoke), on
     * their way back to the queue or out of shutdownNow; all null between uses.
     */
    private final Object[] revoked = new Object[BATCH];
    /** Guarded by lock. Threads of retired workers that may not have ended yet. */
    private final List<Thread> retired = new ArrayList<>();
    /** Guarded by lock. */
    private State state = State.RUNNING;
    /** Guarded by lock. The wanted number of workers. */
    private int target;
    /** Guarded by lock. Workers started and not retired. */
    private int live;
    /**
     * Guarded by lock. Pending tasks in the workers' batches, as last counted: the sum over the
     * workers of {@code end - 1 - counted}, an upper bound of what they hold (a worker moves on
     * without the lock; its runs are counted out when it next takes the lock, or by
     * reconcileAllLocked, which makes this exact).
     */
    private int buffered;
    /** Guarded by lock. Workers waiting on notEmpty. */
    private int idle;
    /** Guarded by lock. Submitters waiting on notFull. */
    private int waitingSubmitters;
    /** Guarded by lock. Results of jobs cancelled before they started, still being delivered. */
    private int cancelling;
    /**
     * Guarded by lock. The threads delivering those results, once per delivery in progress: a
     * close() from one of them (a listener, a callback of the future) only shuts down, as from a
     * worker, since termination waits for its own delivery.
     */
    private final List<Thread> cancellers = new ArrayList<>();
    /** Guarded by lock. */
    private int nextWorkerId;
    /** Guarded by lock. Accepted submissions. */
    private long submitted;
    /** Guarded by lock. Refused submissions. */
    private long rejected;

    /** Guarded by lock. The counters (indexed by Outcome ordinal, RUN_NANOS, MAX_NANOS) of retired workers. */
    private final long[] retiredCounts = new long[COUNTERS];
    /** Tasks cancelled before they started (counted by whichever thread cancelled them). */
    private final LongAdder cancelledUnstarted = new LongAdder();

    private final CompletableFuture<Void> termination = new CompletableFuture<>();

    WorkerPoolImpl(String name, PrimitiveRegistry.Entry entry, Clock clock, int workers, int maxWorkers,
            int capacity, Duration timeout, QueueFullPolicy onFull, ResultListener listener, ThreadFactory threads,
            boolean virtual, boolean measureTaskTimes) {
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
        this.measureTaskTimes = measureTaskTimes;
        this.queue = new ArrayDeque<>(Math.max(16, Math.min(capacity, 4096)));
        lock.lock();
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
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------ intake

    @Override
    public <T> CompletableFuture<TaskResult<T>> submit(Task<T> task) {
        Check.notNull(kind().label(), "task", task);
        QueuedTask<T> job = new QueuedTask<>(this, task, background);
        enqueue(job, background, true);
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
            enqueue(job, ctx, true);
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
        enqueue(command instanceof QueuedTask ? (Runnable) command::run : command, background, true);
    }

    @Override
    public void execute(Runnable command, Context ctx) {
        Check.notNull(kind().label(), "command", command);
        Check.notNull(kind().label(), "ctx", ctx);
        enqueue(command instanceof QueuedTask ? (Runnable) command::run : command, ctx, true);
    }

    @Override
    public boolean tryExecute(Runnable command) {
        Check.notNull(kind().label(), "command", command);
        return enqueue(command instanceof QueuedTask ? (Runnable) command::run : command, background, false);
    }

    /**
     * Queues {@code item}, waiting for room with BLOCK if {@code mayWait} (else returning false where
     * it would wait); see WorkerPool#submit for the outcomes.
     */
    private boolean enqueue(Object item, Context ctx, boolean mayWait) {
        ContextWait wait = null;
        lock.lock();
        try {
            while (true) {
                if (state != State.RUNNING) {
                    rejected++;
                    throw new RejectedException(RejectedException.Reason.SHUT_DOWN,
                            "worker-pool '" + name + "' is shut down: task rejected", null);
                }
                if (hasRoomLocked()) {
                    queue.addLast(item);
                    if (item instanceof QueuedTask<?> job) {
                        job.queued();
                    }
                    submitted++;
                    if (idle > 0) {
                        notEmpty.signal();
                    }
                    return true;
                }
                if (onFull == QueueFullPolicy.REJECT) {
                    rejected++;
                    throw new RejectedException(RejectedException.Reason.QUEUE_FULL,
                            "worker-pool '" + name + "' queue is full (capacity " + capacity + "): task rejected",
                            null);
                }
                if (!mayWait) {
                    return false;
                }
                if (wait == null) {
                    wait = new ContextWait(ctx, lock, notFull);
                }
                waitingSubmitters++;
                try {
                    // Room also appears when a worker starts an item of its batch, without the
                    // lock: have those workers wake us, then look again if any was told (a start
                    // before they were told is seen by that look, one after it wakes us; both sides
                    // use volatiles). Told nobody, the look at the top of the loop stands.
                    if (!armBatchWakeUpsLocked() || !hasRoomLocked()) {
                        wait.await(this::hasRoomLocked);
                    }
                } catch (InterruptedException e) {
                    rejected++;
                    Thread.currentThread().interrupt();
                    throw new RejectedException(RejectedException.Reason.INTERRUPTED,
                            "interrupted while waiting for room in worker-pool '" + name + "': task rejected", e);
                } catch (ContextException e) {
                    rejected++;
                    throw e;
                } finally {
                    waitingSubmitters--;
                }
            }
        } finally {
            lock.unlock();
            ContextWait.close(wait);
        }
    }

    /**
     * Whether a submit may queue now: fewer than {@code capacity} tasks queued, the workers' batches
     * included (counted exactly before saying no). Guarded by lock.
     */
    private boolean hasRoomLocked() {
        int q = queue.size();
        if (capacity == 0) {
            // Not counting the idle workers about to retire as surplus after a shrink (setWorkers
            // woke them): a task handed to one would wait behind the busy workers that stay.
            return q < idle - Math.max(0, live - target);
        }
        if (q + buffered < capacity) {
            return true;
        }
        if (buffered == 0 || q >= capacity) {
            return false;
        }
        reconcileAllLocked();
        return q + buffered < capacity;
    }

    private void countRejected() {
        lock.lock();
        try {
            rejected++;
        } finally {
            lock.unlock();
        }
    }

    // ----------------------------------------------------------------------------------- workers

    /**
     * Starts workers until live == target. Guarded by lock. If a thread cannot be created or
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
                w.nextLookAt = clock.nanoTime(); // its first look at the others is due at once (see checkProgressLocked)
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
         * The batch: the items this worker took from the queue, at positions up to {@code end}
         * (slot {@code position & BATCH_MASK}). The item at the run word's position is the one
         * running (or run last, kept like a ThreadPoolExecutor worker's last task until the next);
         * the items after it, up to {@code end}, are pending. Filled by this worker under the lock
         * when it has none pending; a slot is cleared when the worker moves on to the next item.
         */
        final Object[] batch = new Object[BATCH];
        /**
         * The run word: {@code position << 3 | REVOKED? | phase}, CAS through {@code RUN}. Phase
         * RUN_DONE, RUN_RUNNING, RUN_INTERRUPTING or RUN_INTERRUPTED (in two bits); for a runnable,
         * interrupters (timeout, shutdownNow) move RUNNING (or INTERRUPTED) to INTERRUPTING and then
         * to INTERRUPTED, so an interrupt never reaches the worker after the run it was meant for
         * ended. This worker moves on with one CAS that ends
         * the run at position p and, unless REVOKED, starts the run at p + 1 (its next pending item):
         * one atomic per task. Under the lock, others set REVOKED (never while INTERRUPTING) and
         * take the pending items; the worker then stops at DONE. Set to a new position only by
         * this worker under the lock, at a refill, when nobody else can act on it.
         */
        volatile long run;
        /** The position after the last item. Written by this worker under the lock. Position 0 is no run. */
        long end = 1;
        /** Guarded by lock. The last position counted out of {@code buffered} (see pendingEnd). */
        long counted;
        /** Guarded by lock. The run position when another worker last saw it change (-1: not since the fill). */
        long looked;
        /** Guarded by lock. When {@code looked} was set, on the pool clock. */
        long lookedAt;
        /** Guarded by lock (this worker). Where this worker's next progress check starts. */
        int lookCursor;
        /** Guarded by lock (this worker). When this worker may next look at another's progress, on the pool clock. */
        long nextLookAt;
        /**
         * Whether submitters wait for room that this worker's starts from its batch (without the
         * lock) may make: it then takes the lock after each such start to wake one
         * (wakeSubmitters). Set under the lock (armBatchWakeUpsLocked), cleared by a new batch or
         * once no submitter waits; read by this worker after each start from its batch.
         */
        volatile boolean wakeSubmitters;
        /** Why the run at position {@code stoppedPos} was interrupted: STOP_TIMEOUT or STOP_CANCEL. */
        volatile int stopReason;
        volatile long stoppedPos = -1;
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

        /** Interrupts this worker if, and only while, it runs the runnable at {@code position}. */
        void interruptRunnable(long position, int reason) {
            while (true) {
                long w = run;
                if (w >>> 3 != position || (w & 1) == 0) {
                    return; // not running (DONE), or another interrupter is at it (INTERRUPTING)
                }
                if (RUN.compareAndSet((WorkerFields) this, w, (w & ~PHASE_BITS) | RUN_INTERRUPTING)) {
                    try {
                        stopReason = reason;
                        stoppedPos = position;
                        thread.interrupt();
                    } finally {
                        // Not back to w: the worker may have read w, cleared its interrupt flag before
                        // this interrupt and be about to CAS w to its next run; a CAS that succeeded
                        // would start that run with this run's interrupt (ABA). INTERRUPTED makes that
                        // CAS fail, so the worker reads the word again and clears the flag again.
                        // Nobody else changes an INTERRUPTING word.
                        RUN.setRelease((WorkerFields) this, (w & ~PHASE_BITS) | RUN_INTERRUPTED);
                    }
                    return;
                }
            }
        }

        /**
         * Ends the current run and, if {@code next} and an item is pending, starts the next one in
         * the same CAS; returns that item, or null (the run word is then DONE). Waits out an
         * interrupt in progress; clears the thread's interrupt status before the CAS, so once the
         * CAS succeeds only an interrupt meant for the new run can reach the thread.
         */
        Object advance(boolean next) {
            while (true) {
                long w = run;
                if ((w & PHASE_BITS) == RUN_INTERRUPTING) {
                    Thread.onSpinWait();
                    continue;
                }
                Thread.interrupted();
                long position = w >>> 3;
                boolean claim = next && (w & REVOKED) == 0 && position + 1 < end;
                long to = claim ? (position + 1) << 3 | RUN_RUNNING : (w & ~PHASE_BITS) | RUN_DONE;
                if (RUN.compareAndSet((WorkerFields) this, w, to)) {
                    if (!claim) {
                        return null; // the item stays in its slot until the next refill, as the last one ran
                    }
                    batch[(int) position & BATCH_MASK] = null;
                    return batch[(int) (position + 1) & BATCH_MASK];
                }
            }
        }

        /**
         * Takes this worker's pending items for another thread (shutdownNow, a stalled batch going
         * back to the queue): sets REVOKED, so the worker stops after its current run, and moves
         * the items, in order, into {@code into}; returns how many. Guarded by lock.
         */
        int revoke(Object[] into) {
            long w;
            while (true) {
                w = run;
                if ((w & REVOKED) != 0 || (w >>> 3) + 1 >= end) {
                    return 0;
                }
                if ((w & PHASE_BITS) == RUN_INTERRUPTING) {
                    Thread.onSpinWait();
                } else if (RUN.compareAndSet((WorkerFields) this, w, w | REVOKED)) {
                    break;
                }
            }
            int k = 0;
            for (long p = (w >>> 3) + 1; p < end; p++) {
                int slot = (int) p & BATCH_MASK;
                into[k++] = batch[slot];
                batch[slot] = null;
            }
            return k;
        }

        /**
         * The position up to which this worker's items are no longer pending: its run's, or the
         * last one once REVOKED. Guarded by lock.
         */
        long pendingEnd() {
            long w = run;
            return (w & REVOKED) != 0 ? end - 1 : w >>> 3;
        }

        /** The item of the current (or last) run, or null. Guarded by lock. */
        Object current() {
            return batch[(int) (run >>> 3) & BATCH_MASK];
        }

        void count(Outcome outcome, long nanos) {
            int i = PAD + outcome.ordinal();
            counts.lazySet(i, counts.get(i) + 1);
            if (nanos == 0) {
                return; // nothing to add and no new maximum (always so without task times)
            }
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

        /**
         * Takes and runs items until the worker retires, RUN_LEG per call of runLeg: see RUN_LEG
         * for why the loop is not one call that lasts the worker's life.
         */
        @Override
        public void run() {
            if (!admitted(this)) {
                return; // a thread the factory started itself: the pool never counted it
            }
            Object item = take(this);
            while (item != null) {
                item = runLeg(item);
            }
        }

        /**
         * Runs {@code item} and the items after it, RUN_LEG in all at most; returns the
         * next item to run (started, not yet run), or null when the worker retires.
         */
        Object runLeg(Object item) {
            for (int n = 0; n < RUN_LEG && item != null; n++) {
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
                // The next item of its batch, in the CAS that ends this run; else one taken under the lock.
                item = advance(true);
                if (item == null) {
                    item = take(this);
                } else if (wakeSubmitters) {
                    wakeSubmitters(this);
                }
            }
            return item;
        }
    }

    /**
     * Whether {@code w} is one of the pool's workers: false for a worker whose thread the pool
     * could not start (the thread factory started it itself), which then must not run. A worker
     * the pool started is listed by then: its starter holds the lock until it is.
     */
    private boolean admitted(Worker w) {
        lock.lock();
        try {
            return workerList.contains(w);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next QueuedTask or Runnable under the lock, for a worker with no pending item, or
     * returns null when {@code w} retires: the head of the queue (and, when the queue is long, a
     * batch behind it); if the queue is empty, the other workers' pending items go back to it
     * first.
     */
    private Object take(Worker w) {
        boolean terminated = false;
        lock.lock();
        try {
            reconcileLocked(w); // nothing pending: count its runs out of `buffered`
            while (true) {
                Object item = null;
                if (state != State.STOPPING && live <= target) {
                    item = queue.pollFirst();
                    if (item == null && buffered > 0 && takeBackPendingLocked()) {
                        item = queue.pollFirst();
                    }
                    if (item != null) {
                        startLocked(w, item);
                    }
                }
                if (item != null) {
                    if (waitingSubmitters > 0) {
                        if (roomForWaitersLocked()) {
                            notFull.signal();
                        } else if (buffered > 0) { // checked here: this runs under the lock at every take
                            armBatchWakeUpsLocked();
                        }
                    }
                    return item;
                }
                if (state != State.RUNNING || live > target) {
                    // stopping, surplus, or shut down with nothing left to take
                    live--;
                    workerList.remove(w);
                    retired.removeIf(t -> !t.isAlive());
                    retired.add(w.thread);
                    w.addCountsTo(retiredCounts);
                    terminated = tryTerminateLocked();
                    return null;
                }
                idle++;
                w.waited = true;
                if (capacity == 0 && waitingSubmitters > 0) {
                    notFull.signal();
                }
                try {
                    notEmpty.await();
                } catch (InterruptedException e) {
                    // An interrupt meant for a task that has ended, or shutdownNow: re-check.
                } finally {
                    idle--;
                }
            }
        } finally {
            lock.unlock();
            if (terminated) {
                terminated();
            }
        }
    }

    /**
     * Starts {@code item}, just polled from the queue, as {@code w}'s next run, at the position
     * after its last one, and, when the queue is long, moves the worker's fair share of it behind
     * (batchExtra: half the queue divided among the workers, at most BATCH - 1 more, fewer above
     * the processors). The run starts here, under
     * the lock: shutdownNow (which drains the queue and reads the workers' runs under this lock)
     * sees it RUNNING and interrupts it. A stray interrupt is cleared first, so from now on an
     * interrupt is meant for this run. No CAS: {@code w} has no pending item (its run word is DONE,
     * so no interrupter acts on it) and everybody else who changes the word holds this lock.
     * Guarded by lock.
     *
     * <p>Why batches: with short tasks the one lock is the pool's bottleneck; a worker that takes
     * several tasks per acquisition takes it that many times less (docs/pool.md, "Performance
     * notes"). What keeps them fair: a batch is a fair share of a long queue only; a worker that
     * finds the queue empty takes every pending item back to it before it parks
     * (takeBackPendingLocked); and under steady load the pending items of a worker that started
     * none for STALL_NANOS go back to the head of the queue (checkProgressLocked). Capacity counts
     * pending items as queued.
     */
    private void startLocked(Worker w, Object item) {
        long position = w.end;
        w.batch[(int) (position - 1) & BATCH_MASK] = null; // the last run's item (nothing is pending)
        int more = capacity == 0 ? 0 : batchExtra(queue.size(), live, processors);
        w.batch[(int) position & BATCH_MASK] = item;
        for (int i = 1; i <= more; i++) {
            w.batch[(int) (position + i) & BATCH_MASK] = queue.pollFirst();
        }
        w.end = position + 1 + more;
        w.counted = position;
        if (w.wakeSubmitters) {
            // a new batch: take arms it if its starts may wake submitters. Written only when set: a
            // volatile store at every take (a full fence, under the lock) cost 8 % of the no-op tasks'
            // throughput with 4 workers
            w.wakeSubmitters = false;
        }
        buffered += more;
        Thread.interrupted();
        RUN.setRelease((WorkerFields) w, position << 3 | RUN_RUNNING);
        if (more > 0) {
            w.looked = -1; // not looked at since this fill
            checkProgressLocked(w);
        }
    }

    /**
     * How many queued items a worker takes behind the one it starts: its fair share of a long queue
     * (half the queue divided among the workers), at most BATCH - 1, or BATCH_ABOVE_PROCESSORS - 1
     * while the workers are more than the processors.
     */
    static int batchExtra(int queued, int workers, int processors) {
        return Math.min(workers > processors ? BATCH_ABOVE_PROCESSORS - 1 : BATCH - 1, queued / (2 * workers));
    }

    /**
     * Looks at one other worker, in turn, and takes its pending items back if it has stalled (see
     * takeBackIfStalledLocked): under steady load nobody goes idle, so the refills do the looking,
     * each worker at most every half STALL_NANOS (another worker's run word is written at every
     * task: reading it at every refill would cost more than the batch saves). Whether it is time is
     * read from the end of the worker's last task (timed for its statistics anyway), so the clock
     * is read only when it looks; in a pool that does not measure task times, at every such refill
     * (which takes several tasks at once). Guarded by lock.
     */
    private void checkProgressLocked(Worker w) {
        int n = workerList.size();
        if (n < 2 || measureTaskTimes && w.lastEnd - w.nextLookAt < 0) {
            return; // not yet, told without a clock read
        }
        long now;
        try {
            now = clock.nanoTime();
        } catch (Throwable t) {
            // The clock is user code, and this runs in take, outside runLeg's guard: a worker that
            // died here would stay counted, and the pool would never terminate. Skip this look.
            return;
        }
        if (!measureTaskTimes && now - w.nextLookAt < 0) {
            return;
        }
        w.nextLookAt = now + STALL_NANOS / 2;
        int i = w.lookCursor % n;
        w.lookCursor = i + 1;
        Worker other = workerList.get(i);
        if (other == w) {
            other = workerList.get((i + 1) % n);
        }
        takeBackIfStalledLocked(other, now);
    }

    /**
     * For a worker that found the queue empty: moves every other worker's pending items back to the
     * queue, so that nothing waits behind a busy worker while this one would park; returns whether
     * the queue has items now. Afterwards {@code buffered} is exact. A worker therefore parks only
     * when the queue is empty and no worker has pending items; pending items are made only from a
     * queue longer than twice the workers, and half of it stays for the others. Guarded by lock.
     */
    private boolean takeBackPendingLocked() {
        boolean any = false;
        for (Worker other : workerList) {
            any |= returnPendingLocked(other) > 0;
        }
        return any;
    }

    /**
     * If {@code other} has pending items and has started none for {@link #STALL_NANOS} (it runs a
     * long task, or does not get the CPU), moves them back to the head of the queue, in order, for
     * any worker; otherwise notes its progress. Guarded by lock.
     */
    private void takeBackIfStalledLocked(Worker other, long now) {
        long word = other.run;
        long position = word >>> 3;
        if (position + 1 >= other.end || (word & REVOKED) != 0) {
            return;
        }
        if (position != other.looked) {
            other.looked = position;
            other.lookedAt = now;
        } else if (now - other.lookedAt >= STALL_NANOS) {
            returnPendingLocked(other);
        }
    }

    /**
     * Moves {@code other}'s pending items back to the head of the queue, in order (revoking them,
     * see Worker.revoke), and wakes the idle workers for them; returns how many. Guarded by lock.
     */
    private int returnPendingLocked(Worker other) {
        int k = other.revoke(revoked);
        reconcileLocked(other);
        for (int i = k - 1; i >= 0; i--) {
            queue.addFirst(revoked[i]);
            revoked[i] = null;
        }
        if (k > 0 && idle > 0) {
            notEmpty.signalAll();
        }
        return k;
    }

    /**
     * While submitters wait for room: if the batches' starts alone can make it (the queue holds at
     * most {@code resumeAt}, so no take need come first), has every worker holding pending items
     * wake them as it starts one (Worker.wakeSubmitters). Otherwise a take comes first, and looks
     * again. So under steady overload (a full queue, the submitters blocked) the batched starts
     * still take no lock. Returns whether a worker was armed. Guarded by lock.
     */
    private boolean armBatchWakeUpsLocked() {
        if (buffered == 0 || queue.size() > resumeAt) {
            return false;
        }
        boolean armed = false;
        for (Worker w : workerList) {
            if (w.pendingEnd() + 1 < w.end) {
                w.wakeSubmitters = true;
                armed = true;
            }
        }
        return armed;
    }

    /**
     * For a worker that started an item of its batch while submitters wait (Worker.wakeSubmitters):
     * wakes one if the queue and the batches have drained to {@code resumeAt}, as take does.
     */
    private void wakeSubmitters(Worker w) {
        lock.lock();
        try {
            if (waitingSubmitters == 0) {
                w.wakeSubmitters = false;
            } else if (roomForWaitersLocked()) {
                notFull.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Counts {@code w}'s runs since the last count out of {@code buffered}. Guarded by lock. */
    private void reconcileLocked(Worker w) {
        long p = w.pendingEnd();
        buffered -= (int) (p - w.counted);
        w.counted = p;
    }

    /** Makes {@code buffered} exact (every run counted), reading every worker's run word. Guarded by lock. */
    private void reconcileAllLocked() {
        for (Worker w : workerList) {
            reconcileLocked(w);
        }
    }

    /**
     * Whether the queue and the batches have drained to {@code resumeAt}, so that a blocked
     * submitter may be woken; exact (counting every run) only when the cheap bound is not enough.
     * Guarded by lock.
     */
    private boolean roomForWaitersLocked() {
        int q = queue.size();
        if (q > resumeAt) {
            return false;
        }
        if (q + buffered > resumeAt) {
            reconcileAllLocked();
        }
        return q + buffered <= resumeAt;
    }

    private <T> void runJob(QueuedTask<T> job, Worker w) {
        if (job.state() != QueuedTask.NEW) {
            return; // cancelled while queued; the canceller delivers its result
        }
        Context parent = job.parent;
        if (parent.isDone()) {
            w.waited = true; // its listener and dependent stages run here: not part of the next task
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
        long start = startTime(w);
        T value = null;
        Throwable failure = null;
        try {
            value = job.task.run(ctx);
        } catch (Throwable t) {
            failure = t;
        }
        long nanos = runTime(w, start);
        job.finishRun();
        Thread.interrupted();
        Outcome outcome = Outcome.SUCCEEDED;
        ctx.release();
        if (failure != null) {
            ContextException why = ctx.endedBy();
            outcome = why == null ? Outcome.FAILED
                    : why instanceof DeadlineExceededException ? Outcome.TIMED_OUT : Outcome.CANCELLED;
        }
        boolean callbacks = ctx.materialized(); // its close() ran the callbacks the task registered
        ctx.close();
        w.count(outcome, nanos);
        if (callbacks || listener != null || job.getNumberOfDependents() != 0) {
            // those callbacks, and the listener and dependent stages that run now: not part of the next task
            w.waited = true;
        }
        deliver(job, new TaskResult<>(outcome, outcome == Outcome.SUCCEEDED ? value : null, failure,
                Duration.ofNanos(nanos), w.id));
    }

    /**
     * Runs an executed runnable: like runJob, with the per-run state in the worker's run word. A
     * success without a listener has no observer (no result object) and leaves the run RUNNING for
     * the worker's next CAS, which ends it and starts the next; otherwise the run ends here, before
     * its outcome is read and delivered, so no interrupt meant for it reaches the listener.
     */
    private void runExecuted(Runnable command, Worker w) {
        long position = w.run >>> 3; // RUNNING since it was claimed (startLocked or advance)
        Registration timer = timeoutNanos > 0
                ? clock.schedule(clock.nanoTime() + timeoutNanos, () -> w.interruptRunnable(position, STOP_TIMEOUT))
                : Registration.NONE;
        long start = startTime(w);
        Throwable failure = null;
        try {
            command.run();
        } catch (Throwable t) {
            failure = t;
        }
        long nanos = runTime(w, start);
        timer.close();
        if (failure == null && listener == null) {
            w.count(Outcome.SUCCEEDED, nanos);
            return;
        }
        w.advance(false);
        Outcome outcome = Outcome.SUCCEEDED;
        if (failure != null) {
            outcome = w.stoppedPos != position ? Outcome.FAILED
                    : w.stopReason == STOP_TIMEOUT ? Outcome.TIMED_OUT : Outcome.CANCELLED;
        }
        w.count(outcome, nanos);
        if (listener != null || outcome == Outcome.FAILED || outcome == Outcome.TIMED_OUT) {
            w.waited = true;
            deliverExecuted(command, new TaskResult<>(outcome, null, failure, Duration.ofNanos(nanos), w.id));
        }
    }

    /**
     * The start of a task's run on the pool clock: a worker that took the task without waiting
     * reuses the end of its previous task, so a busy worker reads the clock once per task (the
     * clock read is a large share of a no-op task's cost; the difference is the dequeue itself).
     * Zero, with no clock read, when the pool does not measure task times.
     */
    private long startTime(Worker w) {
        if (!measureTaskTimes) {
            return 0;
        }
        return w.waited ? clock.nanoTime() : w.lastEnd;
    }

    /** Ends a task's run that started at {@code start} (see startTime): its run time, or 0 if not measured. */
    private long runTime(Worker w, long start) {
        if (!measureTaskTimes) {
            return 0;
        }
        long end = clock.nanoTime();
        w.lastEnd = end;
        w.waited = false;
        return Math.max(0, end - start);
    }

    private void abandon(Object item, Worker w, Throwable t) {
        // The result first, the log after: logging runs the task's toString(), which may fail too.
        try {
            w.waited = true;
            if (item instanceof QueuedTask<?> job && ownsResultOfAbandoned(job)) {
                if (!job.isDone()) {
                    w.count(Outcome.FAILED, 0);
                    deliver(job, failedResult(t, w.id)); // the listener too: it sees every result
                }
            } else if (!(item instanceof QueuedTask)) {
                w.advance(false);
                w.count(Outcome.FAILED, 0);
                if (listener != null) {
                    notifyListener(Task.of((Runnable) item), failedResult(t, w.id));
                }
            }
        } catch (Throwable again) {
            // nothing more can be done; the worker keeps going
        }
        try {
            LOG.log(Level.ERROR, "worker-pool '" + name + "': worker " + w.id + " failed around task "
                    + describe(item), t);
        } catch (Throwable again) {
            // the log itself failed; the task's result is delivered
        }
    }

    /**
     * Moves a job whose run failed in pool code to DONE; returns whether the worker gives its
     * result: not if a canceller took it out of NEW first (the canceller does). A job still NEW
     * (the failure came before its start) also drops its watch on the submit context, which
     * would cancel it again; a started one releases its context's timer and watch.
     */
    private static boolean ownsResultOfAbandoned(QueuedTask<?> job) {
        int s = job.state();
        if (s == QueuedTask.NEW) {
            if (!job.casState(QueuedTask.NEW, QueuedTask.DONE)) {
                return false; // cancelled just now
            }
            try {
                job.queuedWatch.close();
            } catch (Throwable again) {
                // the submit context's registration failed to close; the job is done all the same
            }
            return true;
        }
        if (s == QueuedTask.RUNNING || s == QueuedTask.INTERRUPTING) {
            job.finishRun();
            try {
                TaskContext ctx = job.ctx;
                if (ctx != null) {
                    ctx.release();
                    ctx.close();
                }
            } catch (Throwable again) {
                // as above
            }
            return true;
        }
        return s == QueuedTask.DONE;
    }

    /** {@code item}'s toString(), or a description of its failure: a task's toString() is user code. */
    private static String describe(Object item) {
        try {
            return String.valueOf(item);
        } catch (Throwable t) {
            return item.getClass().getName() + " (whose toString() threw " + t.getClass().getName() + ")";
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
        lock.lock();
        try {
            if ((queue.remove(job) || removeFromBatchLocked(job)) && waitingSubmitters > 0) {
                notFull.signal();
            }
            cancelling++;
            cancellers.add(Thread.currentThread());
        } finally {
            lock.unlock();
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

    /**
     * Removes a job cancelled before it started from the batch of the worker holding it pending,
     * if any, so that it no longer counts as queued: that worker's pending items go back to the
     * head of the queue (as a stalled batch does) and the job leaves it. Returns whether the job
     * was removed; not if the worker has just started it (it then skips it). Guarded by lock.
     */
    private boolean removeFromBatchLocked(QueuedTask<?> job) {
        if (buffered == 0) {
            return false;
        }
        for (Worker w : workerList) {
            for (long p = w.pendingEnd() + 1; p < w.end; p++) {
                if (w.batch[(int) p & BATCH_MASK] == job) {
                    returnPendingLocked(w);
                    return queue.remove(job);
                }
            }
        }
        return false;
    }

    private void doneCancelling(int n) {
        boolean terminated;
        lock.lock();
        try {
            cancelling -= n;
            cancellers.remove(Thread.currentThread());
            terminated = tryTerminateLocked();
        } finally {
            lock.unlock();
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
            // The runnable's toString() is user code: a failing one must not fail the run a second
            // time (runLeg's guard would count it again).
            try {
                LOG.log(Level.WARNING, "worker-pool '" + name + "': executed task " + describe(command) + " "
                        + result.outcome().name().toLowerCase(java.util.Locale.ROOT), result.failure());
            } catch (Throwable again) {
                // the log itself failed; the outcome is counted
            }
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
        lock.lock();
        try {
            if (state == State.RUNNING) {
                state = State.SHUTTING_DOWN;
                notEmpty.signalAll();
                notFull.signalAll();
                terminated = tryTerminateLocked();
            }
        } finally {
            lock.unlock();
        }
        if (terminated) {
            terminated();
        }
        return termination;
    }

    @Override
    public List<Task<?>> shutdownNow() {
        List<Object> drained = new ArrayList<>();
        List<Object> taken = new ArrayList<>();
        List<Worker> takers = new ArrayList<>();
        List<Long> takenPositions = new ArrayList<>();
        lock.lock();
        try {
            if (state != State.RUNNING && state != State.SHUTTING_DOWN) {
                return List.of();
            }
            state = State.STOPPING;
            // The batches first (taken from the queue before what is left in it), claimed here so
            // that their workers never start them; then the queue.
            for (Worker w : workerList) {
                int k = w.revoke(revoked);
                for (int i = 0; i < k; i++) {
                    drained.add(revoked[i]);
                    revoked[i] = null;
                }
            }
            reconcileAllLocked();
            drained.addAll(queue);
            queue.clear();
            // Each worker's run in progress, read after revoking its batch: from here on a worker
            // can only end that run (its word's position no longer moves).
            for (Worker w : workerList) {
                long word = w.run;
                Object item = w.current();
                if (item != null && (word & PHASE_BITS) != RUN_DONE) {
                    taken.add(item);
                    takers.add(w);
                    takenPositions.add(word >>> 3);
                }
            }
            cancelling += drained.size() + taken.size();
            cancellers.add(Thread.currentThread());
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        List<Task<?>> unstarted = new ArrayList<>();
        try {
            CancelledException why = new CancelledException(
                    new ClosedException("worker-pool '" + name + "' was shut down now"));
            // Queue order: a run a worker had taken but not started yet (its task stops here)
            // came out of the queue before its worker's batch and before what is still queued.
            for (int i = 0; i < taken.size(); i++) {
                Object item = taken.get(i);
                if (item instanceof QueuedTask<?> job) {
                    if (job.stop(why, true)) {
                        unstarted.add(job.task);
                    }
                } else {
                    // A taken runnable has started (see take): interrupt it if it still runs.
                    takers.get(i).interruptRunnable(takenPositions.get(i), STOP_CANCEL);
                }
            }
            for (Object item : drained) {
                if (item instanceof QueuedTask<?> job) {
                    if (job.stop(why, true)) {
                        unstarted.add(job.task);
                    }
                } else {
                    unstarted.add(cancelExecuted((Runnable) item, why));
                }
            }
        } finally {
            doneCancelling(drained.size() + taken.size());
        }
        return List.copyOf(unstarted);
    }

    /**
     * Gives an executed runnable that will never start its CANCELLED result (and tells a
     * {@link Droppable} so); returns it as a Task.
     */
    private Task<?> cancelExecuted(Runnable command, Throwable why) {
        cancelledUnstarted.increment();
        deliverExecuted(command, new TaskResult<>(Outcome.CANCELLED, null, why, Duration.ZERO, -1));
        if (command instanceof Droppable d) {
            try {
                d.dropped(why);
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "worker-pool '" + name + "': a dropped runnable's dropped() failed", t);
            }
        }
        return Task.of(command);
    }

    /** Moves to TERMINATED if nothing is left; the caller then calls terminated(). Guarded by lock. */
    private boolean tryTerminateLocked() {
        if ((state == State.SHUTTING_DOWN || state == State.STOPPING) && live == 0 && queue.isEmpty()
                && cancelling == 0) {
            state = State.TERMINATED;
            notFull.signalAll();
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
        lock.lock();
        try {
            return state != State.RUNNING;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isTerminated() {
        return termination.isDone();
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        Check.notNull(kind().label(), "timeout", timeout);
        // A negative timeout waits not at all (the contract of awaitTermination), never without limit.
        long timeoutNanos = Math.max(0, Durations.toNanosSaturated(timeout));
        long deadline = clock.nanoTime() + timeoutNanos;
        if (!termination.isDone()) {
            Thread self = Thread.currentThread();
            CompletableFuture<Void> wake = termination.thenRun(() -> LockSupport.unpark(self));
            BoundedPark.End end;
            try {
                end = BoundedPark.until(termination::isDone, clock, timeoutNanos, this);
            } finally {
                wake.cancel(false);
            }
            if (end == BoundedPark.End.INTERRUPTED) {
                throw new InterruptedException();
            }
            if (end == BoundedPark.End.TIMED_OUT) {
                return false;
            }
        }
        return joinThreads(deadline);
    }

    /**
     * Waits for the threads of retired workers to end, until {@code deadline} on the pool clock:
     * the last one completes {@link #termination}, so it runs that future's callbacks (user code)
     * before it ends. Joins in slices of at most JOIN_SLICE_NANOS of real time, so that a fake
     * pool clock's time is looked at between them. Returns whether they all ended.
     */
    private boolean joinThreads(long deadline) throws InterruptedException {
        for (Thread t : retiredThreads()) {
            while (t != Thread.currentThread() && t.isAlive()) {
                long left = deadline - clock.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedJoin(t, Math.min(left, JOIN_SLICE_NANOS));
            }
        }
        return true;
    }

    /** Waits for the threads of retired workers to end (they have nothing left to do). */
    private void joinThreads() throws InterruptedException {
        for (Thread t : retiredThreads()) {
            if (t != Thread.currentThread()) {
                t.join();
            }
        }
    }

    private List<Thread> retiredThreads() {
        lock.lock();
        try {
            return new ArrayList<>(retired);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the calling thread is one that termination waits for: a live worker, or a thread
     * delivering the result of a job cancelled before it started.
     */
    private boolean isOwnThread() {
        Thread self = Thread.currentThread();
        lock.lock();
        try {
            if (cancellers.contains(self)) {
                return true;
            }
            for (Worker w : workerList) {
                if (w.thread == self) {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        shutdown();
        if (isOwnThread()) {
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
        lock.lock();
        try {
            for (Worker w : workerList) {
                running.add(w.thread);
            }
        } finally {
            lock.unlock();
        }
        entry.release();
        return List.copyOf(running);
    }

    // ------------------------------------------------------------------------------- inspection

    @Override
    public int workers() {
        lock.lock();
        try {
            return target;
        } finally {
            lock.unlock();
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
        lock.lock();
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
                if (live > target && buffered > 0) {
                    // Surplus workers stop after their current task, not after the rest of their
                    // batch: every batch goes back to the queue, for the workers that stay.
                    takeBackPendingLocked();
                }
                notEmpty.signalAll();
            }
        } finally {
            lock.unlock();
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
        lock.lock();
        try {
            System.arraycopy(retiredCounts, 0, c, 0, COUNTERS);
            for (Worker w : workerList) {
                w.addCountsTo(c);
            }
            s = state;
            t = target;
            reconcileAllLocked();
            queued = queue.size() + buffered;
            sub = submitted;
            rej = rejected;
            for (Worker w : workerList) {
                if ((w.run & PHASE_BITS) != RUN_DONE) {
                    busy++;
                }
            }
        } finally {
            lock.unlock();
        }
        long ok = c[Outcome.SUCCEEDED.ordinal()];
        long bad = c[Outcome.FAILED.ordinal()];
        long late = c[Outcome.TIMED_OUT.ordinal()];
        long runCancelled = c[Outcome.CANCELLED.ordinal()];
        long runs = ok + bad + late + runCancelled;
        long gone = runCancelled + cancelledUnstarted.sum();
        Duration avg = null;
        Duration max = null;
        if (measureTaskTimes) {
            avg = runs == 0 ? Duration.ZERO : Duration.ofNanos(c[RUN_NANOS] / runs);
            max = Duration.ofNanos(c[MAX_NANOS]);
        }
        return new PoolStats(s, t, busy, queued, capacity, virtual, sub, ok + bad + late + gone, ok, bad, late,
                gone, rej, avg, max);
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
