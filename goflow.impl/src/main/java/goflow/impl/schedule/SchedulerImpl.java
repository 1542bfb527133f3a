package goflow.impl.schedule;

import java.lang.System.Logger.Level;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.pool.WorkerPool;
import goflow.api.pool.WorkerPoolBuilder;
import goflow.api.schedule.Job;
import goflow.api.schedule.LeaseProvider;
import goflow.api.schedule.OverlapPolicy;
import goflow.api.schedule.RunOutcome;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.api.schedule.SchedulerStats;
import goflow.api.schedule.TaskBuilder;
import goflow.impl.internal.Check;
import goflow.impl.internal.Durations;
import goflow.impl.internal.PrimitiveRegistry;

/**
 * The {@link Scheduler} implementation.
 *
 * <p>Thread-safe: one lock guards all mutable state of the scheduler and its tasks.
 */
/*
 * Implementation notes.
 *
 * One scheduler thread per start (goflow-scheduler-<name>-<start#>) runs loop(): under the lock it
 * takes every task whose due time (monotonic nanos of the injected clock) has come from a priority
 * queue, decides what each does (run, skip, re-arm) and creates the run contexts; then, outside the
 * lock, it submits the runs (which may block on a full pool queue) and parks on the clock until
 * the next due time (at most MAX_PARK, so wall-clock jumps are noticed). Anything that changes the
 * head of the queue unparks it; a ManualClock's advance() wakes it too.
 *
 * Wall-clock tasks (AT, CRON) keep their due instant; their monotonic due time is derived from it
 * and recomputed when the offset between wall and monotonic time moves by more than WALL_SLACK.
 * When such a task comes due it is checked against the wall clock once more.
 *
 * A run asks mayStart() under the lock just before its job begins; stop() clears runContext under
 * the lock before it cancels anything, so no run begins once stop() has begun, even one the pool
 * takes while stop() is still cancelling the run contexts one by one.
 *
 * Runs end in complete(), on the pool thread (or on the thread that saw the pool drop the run);
 * it records the outcome, re-arms fixed-delay tasks and retries, and wakes a stop() that waits.
 * No user code, pool call, clock timer or context cancellation runs under the lock.
 */
public final class SchedulerImpl implements Scheduler {
    private static final System.Logger LOG = System.getLogger(SchedulerImpl.class.getName());
    private static final long MAX_PARK = TimeUnit.SECONDS.toNanos(1);
    private static final long WALL_SLACK = TimeUnit.MILLISECONDS.toNanos(1);
    /** The most leases {@link #releaseLeases} releases at once. */
    private static final int MAX_PARALLEL_RELEASES = 8;
    /**
     * The shortest period or delay of a repeating task ({@code every}, {@code withFixedDelay},
     * {@code @every}): a shorter one would keep the scheduler thread, or a worker, busy with
     * scheduling (every(1ns) came due again before each pass ended, so the thread never parked).
     */
    static final Duration MIN_PERIOD = Duration.ofMillis(1);

    private enum LifeCycle { STOPPED, RUNNING, CLOSED }

    final String name;
    final Clock clock;
    final ZoneId zone;
    final OverlapPolicy overlap;
    /** The default lease provider of the tasks, and its time to live; null when tasks run on every node. */
    final LeaseProvider leases;
    final Duration leaseTtl;
    private final Duration stopTimeout;
    private final int maxTasks;
    private final WorkerPool givenPool;
    private final Executor givenExecutor;
    private final int ownWorkers;
    private final Supplier<WorkerPoolBuilder> poolBuilders;
    private final PrimitiveRegistry.Entry entry;
    /** A reading of the clock {@link Durations#FAR_NANOS} before the build; see {@link #due}. */
    private final long dueOrigin;

    final ReentrantLock lock = new ReentrantLock();
    // ---- guarded by lock ----
    private LifeCycle life = LifeCycle.STOPPED;
    /**
     * Set when close() begins, before its stop(): a start() meanwhile is refused, not left running,
     * and so is a task scheduled meanwhile, which close() would cancel before it ever ran.
     */
    private boolean closing;
    /** SCHEDULED tasks by id, in scheduling order. */
    private final Map<String, TaskImpl> table = new LinkedHashMap<>();
    /**
     * Tasks with a due time and no pending completion, earliest first: by {@code dueNanos - dueOrigin},
     * which is in [0, Long.MAX_VALUE] for every due time (at least now - FAR_NANOS, at most
     * now + FAR_NANOS) for 146 years after the build whatever the clock's origin, where
     * {@code dueNanos} itself may wrap around.
     */
    private final PriorityQueue<TaskImpl> due;
    private long seq;
    private long idSeq;
    private long starts;
    /** The current start's context: cancelled by stop(), parent of every run context. */
    private CancellableContext runContext;
    private Thread thread;
    private WorkerPool ownPool;
    /**
     * Makes the scheduler thread of each start. Not guarded: set only by tests (to make a start
     * fail) before start() is called.
     */
    ThreadFactory loopThreads = Thread::new;
    /** The pool or executor of the current start. */
    private WorkerPool pool;
    private Executor executor;
    /** Epoch nanos minus monotonic nanos when wall-clock due times were last derived. */
    private long wallOffset;
    private int activeRuns;
    private long runs;
    private long succeeded;
    private long failed;
    private long cancelled;
    private long skipped;
    private long retries;
    // ---- end of guarded by lock ----
    /** The clock time up to which the scheduler thread has handled due tasks; for tests. */
    private volatile long processedNanos = Long.MIN_VALUE;
    /** Threads waiting in stop() for active runs to end. */
    private final Set<Thread> stopWaiters = ConcurrentHashMap.newKeySet();

    SchedulerImpl(SchedulerBuilderImpl b, PrimitiveRegistry.Entry entry) {
        this.name = entry.name();
        this.entry = entry;
        this.clock = b.clock;
        this.zone = b.zone;
        this.overlap = b.overlap;
        this.leases = b.leases;
        this.leaseTtl = b.leaseTtl;
        this.stopTimeout = b.stopTimeout;
        this.maxTasks = b.maxTasks;
        this.givenPool = b.pool;
        this.givenExecutor = b.executor;
        this.ownWorkers = b.workers;
        this.poolBuilders = b.poolBuilders;
        this.dueOrigin = clock.nanoTime() - Durations.FAR_NANOS;
        this.due = new PriorityQueue<>(Comparator.<TaskImpl>comparingLong(t -> t.dueNanos - dueOrigin)
                .thenComparingLong(t -> t.seq));
    }

    // ---------------------------------------------------------------- life cycle

    @Override
    public void start() {
        Throwable startFailure = null;
        lock.lock();
        try {
            if (life == LifeCycle.CLOSED || closing) {
                throw new ClosedException("scheduler '" + name + "' is closed: it cannot be started again");
            }
            if (life == LifeCycle.RUNNING) {
                return;
            }
            starts++;
            if (givenPool != null) {
                pool = givenPool;
            } else if (givenExecutor != null) {
                executor = givenExecutor;
            } else {
                ownPool = buildOwnPool();
                pool = ownPool;
            }
            runContext = Context.background(clock).withCancel();
            long now = clock.nanoTime();
            wallOffset = wallOffset(now);
            for (TaskImpl t : new ArrayList<>(table.values())) { // arming may end a task (no cron time left)
                armOnStart(t, now);
            }
            life = LifeCycle.RUNNING;
            CancellableContext ctx = runContext;
            thread = loopThreads.newThread(() -> loop(ctx));
            thread.setName("goflow-scheduler-" + name + "-" + starts);
            thread.setDaemon(true);
            try {
                thread.start();
            } catch (RuntimeException | Error e) {
                // no scheduler thread (native threads exhausted, say): undo this start below, so the
                // scheduler is not left "running" with nothing dispatching and its own pool idle
                thread = null;
                startFailure = e;
            }
        } finally {
            lock.unlock();
        }
        if (startFailure != null) {
            stop(Duration.ZERO); // nothing was dispatched: no run to wait for; shuts the own pool down
            if (startFailure instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) startFailure;
        }
    }

    /** Builds the own pool, named after the scheduler unless that name is taken. Under the lock. */
    private WorkerPool buildOwnPool() {
        String poolName = name + "-pool" + (starts == 1 ? "" : "-" + starts);
        try {
            return ownPoolBuilder().name(poolName).build();
        } catch (InvalidConfigException e) {
            if (!"name".equals(e.field())) {
                throw e;
            }
            return ownPoolBuilder().build(); // the name is taken: let the registry generate one
        }
    }

    /**
     * The own pool: a queue of 256 that the scheduler thread waits on when it is full, so that
     * more runs due at once than the pool can take are delayed, not failed (a one-shot task
     * rejected would never run). The wait ends with the run's context, which stop() cancels.
     */
    private WorkerPoolBuilder ownPoolBuilder() {
        return poolBuilders.get().workers(ownWorkers).queueCapacity(256)
                .onQueueFull(goflow.api.pool.QueueFullPolicy.BLOCK).clock(clock);
    }

    @Override
    public boolean stop() {
        return stop(stopTimeout);
    }

    @Override
    public boolean stop(Duration timeout) {
        Check.notNegative(name, "timeout", timeout, "how long stop waits for active runs");
        CancellableContext ctx;
        Thread loopThread;
        WorkerPool stoppedPool;
        long stoppedStart;
        lock.lock();
        try {
            stoppedStart = starts;
            ctx = runContext;
            loopThread = thread;
            stoppedPool = ownPool;
            if (life == LifeCycle.RUNNING) {
                life = LifeCycle.STOPPED;
            }
            runContext = null;
            thread = null;
            ownPool = null;
            pool = null;
            executor = null;
            for (TaskImpl t : due) {
                t.queued = false;
            }
            due.clear();
        } finally {
            lock.unlock();
        }
        if (ctx != null) {
            ctx.cancel();
        }
        if (loopThread != null) {
            LockSupport.unpark(loopThread);
        }
        boolean ended = awaitNoActiveRuns(timeout);
        // Not while a run is still active: it may hold the scheduler thread (an executor that runs
        // jobs on the calling thread, or whose execute() blocks), and waiting for that would outlast
        // the timeout. The thread ends by itself when it is free (this start is over).
        if (ended && loopThread != null && loopThread != Thread.currentThread()) {
            joinQuietly(loopThread);
        }
        // Not when start() ran again while this stop waited: the leases are that start's now
        // (released under its runs, they would be cancelled and another node could run the due time).
        releaseLeases(read(() -> starts == stoppedStart ? new ArrayList<>(table.values()) : List.of()));
        if (stoppedPool != null) {
            stoppedPool.shutdownNow();
            if (ended) {
                stoppedPool.close();
            } else {
                LOG.log(Level.WARNING, "scheduler {0}: runs still active after the stop timeout; its pool {1} "
                        + "was told to stop them", name, stoppedPool.name());
            }
        }
        return ended;
    }

    private boolean awaitNoActiveRuns(Duration timeout) {
        if (ScheduledRun.RUNNING_FOR.get() == this) {
            return false; // called from one of this scheduler's jobs: waiting would wait for itself
        }
        long deadline = clock.nanoTime() + Durations.toNanosSaturated(timeout);
        Thread self = Thread.currentThread();
        stopWaiters.add(self);
        try {
            while (true) {
                if (read(() -> activeRuns) == 0) {
                    return true;
                }
                long left = deadline - clock.nanoTime();
                if (left <= 0) {
                    return false;
                }
                if (Thread.interrupted()) {
                    self.interrupt();
                    return read(() -> activeRuns) == 0;
                }
                clock.parkNanos(this, Math.min(left, MAX_PARK));
            }
        } finally {
            stopWaiters.remove(self);
        }
    }

    private void joinQuietly(Thread t) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return read(() -> life == LifeCycle.RUNNING);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (life == LifeCycle.CLOSED) {
                return;
            }
            closing = true; // stop() below may wait long for runs: no start() may slip in meanwhile
        } finally {
            lock.unlock();
        }
        stop();
        List<CancellableContext> toCancel = new ArrayList<>();
        List<TaskImpl> closedTasks;
        lock.lock();
        try {
            if (life == LifeCycle.CLOSED) {
                return;
            }
            life = LifeCycle.CLOSED;
            closedTasks = new ArrayList<>(table.values());
            for (TaskImpl t : table.values()) {
                t.state = ScheduledTask.State.CANCELLED;
                toCancel.addAll(t.active);
            }
            table.clear();
        } finally {
            lock.unlock();
        }
        toCancel.forEach(CancellableContext::cancel);
        releaseLeases(closedTasks);
        entry.release();
    }

    /**
     * Releases the leases the tasks hold, so other nodes take their next runs at once. Outside the
     * lock. Each release is a round trip to the store (up to the provider's timeout): the leases of
     * many tasks are released by up to {@link #MAX_PARALLEL_RELEASES} threads at once (this one
     * and short-lived helpers it waits for), so that a slow store does not make a stop last the
     * sum of hundreds of round trips.
     *
     * <p>A task with a run still active (a job that ignores its context past the stop timeout, or
     * has not seen the cancel yet) keeps its lease: released now, another node could run the task
     * while it still runs here. Its run releases it when it ends ({@link #releaseAfterRun}).
     */
    private void releaseLeases(List<TaskImpl> tasks) {
        Queue<ClusterLease> held = new ConcurrentLinkedQueue<>();
        List<TaskImpl> idle = read(() -> {
            List<TaskImpl> out = new ArrayList<>();
            for (TaskImpl t : tasks) {
                if (t.lease != null && t.active.isEmpty()) {
                    out.add(t);
                }
            }
            return out;
        });
        for (TaskImpl t : idle) {
            if (t.lease.holds()) {
                held.add(t.lease);
            }
        }
        Runnable releaseAll = () -> {
            for (ClusterLease l; (l = held.poll()) != null;) {
                l.release(); // never throws
            }
        };
        List<Thread> helpers = new ArrayList<>();
        for (int i = Math.min(held.size(), MAX_PARALLEL_RELEASES) - 1; i > 0; i--) {
            try {
                Thread helper = new Thread(releaseAll, "goflow-lease-release-" + name);
                helper.setDaemon(true);
                helper.start();
                helpers.add(helper);
            } catch (RuntimeException | Error e) { // no thread to be had: the ones started release the rest
                LOG.log(Level.DEBUG, () -> "scheduler " + name + ": no thread to release leases with", e);
                break;
            }
        }
        releaseAll.run();
        for (Thread helper : helpers) {
            try {
                helper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the helpers end by themselves, each release bounded
                return;
            }
        }
    }

    // ---------------------------------------------------------------- scheduling

    @Override
    public ScheduledTask once(Duration delay, Job job) {
        return task(job).once(delay);
    }

    @Override
    public ScheduledTask at(Instant time, Job job) {
        return task(job).at(time);
    }

    @Override
    public ScheduledTask every(Duration period, Job job) {
        return task(job).every(period);
    }

    @Override
    public ScheduledTask withFixedDelay(Duration delay, Job job) {
        return task(job).withFixedDelay(delay);
    }

    @Override
    public ScheduledTask cron(String expression, Job job) {
        return task(job).cron(expression);
    }

    @Override
    public ScheduledTask cron(goflow.api.schedule.Cron cron, Job job) {
        return task(job).cron(cron);
    }

    @Override
    public TaskBuilder task(Job job) {
        Check.notNull(name, "job", job);
        return new TaskBuilderImpl(this, job);
    }

    /** Adds a task built by a {@link TaskBuilderImpl}; {@code id} is null to generate one. */
    TaskImpl add(String id, java.util.function.Function<String, TaskImpl> factory) {
        TaskImpl task;
        Thread wake;
        lock.lock();
        try {
            if (life == LifeCycle.CLOSED || closing) {
                // closing too: a task added while close() waits for runs would only be cancelled by it
                throw new ClosedException("scheduler '" + name + "' is closed");
            }
            if (id != null && table.containsKey(id)) {
                throw new InvalidConfigException(name, "id", id, "must be unique among the scheduled tasks",
                        "choose another id, or cancel the task that has it first");
            }
            if (table.size() >= maxTasks) {
                throw new InvalidConfigException(name, "maxTasks", maxTasks, "reached: no more tasks can be scheduled",
                        "cancel tasks or build the scheduler with a larger maxTasks");
            }
            String taskId = id;
            while (taskId == null || table.containsKey(taskId)) {
                taskId = "task-" + (++idSeq);
            }
            task = factory.apply(taskId);
            table.put(taskId, task);
            wake = null;
            if (life == LifeCycle.RUNNING) {
                armOnStart(task, clock.nanoTime());
                wake = thread;
            }
        } finally {
            lock.unlock();
        }
        if (wake != null) {
            LockSupport.unpark(wake);
        }
        return task;
    }

    boolean cancel(TaskImpl task) {
        List<CancellableContext> toCancel;
        lock.lock();
        try {
            if (task.state != ScheduledTask.State.SCHEDULED) {
                return false;
            }
            task.state = ScheduledTask.State.CANCELLED;
            table.remove(task.id, task);
            if (task.queued) {
                due.remove(task);
                task.queued = false;
            }
            toCancel = new ArrayList<>(task.active);
        } finally {
            lock.unlock();
        }
        toCancel.forEach(CancellableContext::cancel);
        releaseLeases(List.of(task));
        return true;
    }

    @Override
    public int cancelAll() {
        int n = 0;
        for (ScheduledTask t : read(() -> new ArrayList<ScheduledTask>(table.values()))) {
            if (t.cancel()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public Optional<ScheduledTask> task(String id) {
        return read(() -> Optional.ofNullable(table.get(id)));
    }

    @Override
    public List<ScheduledTask> tasks() {
        return read(() -> {
            List<TaskImpl> list = new ArrayList<>(table.values());
            long now = clock.nanoTime();
            list.sort(Comparator.<TaskImpl, Boolean>comparing(t -> !(t.hasDue && t.queued))
                    .thenComparingLong(t -> t.hasDue && t.queued ? t.dueNanos - now : 0)
                    .thenComparing(t -> t.id));
            return List.copyOf(list);
        });
    }

    // ---------------------------------------------------------------- arming (all under lock)

    /** Gives a task its due time at a start (or when scheduled while running) and queues it. */
    private void armOnStart(TaskImpl t, long now) {
        if (t.state != ScheduledTask.State.SCHEDULED || t.queued) {
            return;
        }
        if (!t.active.isEmpty() && (t.kind.oneShot() || t.kind == TaskImpl.Kind.DELAY)) {
            return; // complete() arms it
        }
        Instant wallNow = clock.instant();
        if (!t.hasDue) {
            switch (t.kind) {
                case ONCE:
                    t.dueNanos = now + t.firstDelayNanos;
                    break;
                case AT:
                    t.dueInstant = t.at;
                    break;
                case RATE:
                case DELAY:
                    t.dueNanos = now + t.firstDelayNanos;
                    break;
                default:
                    t.dueInstant = nextCron(t, wallNow);
            }
            t.hasDue = true;
        } else if (t.kind == TaskImpl.Kind.RATE && t.dueNanos - now < 0) {
            long missed = (now - t.dueNanos) / t.periodNanos + 1;
            t.dueNanos += missed * t.periodNanos;
        } else if (t.kind == TaskImpl.Kind.CRON && !t.dueInstant.isAfter(wallNow)) {
            // @every keeps its times, like RATE above: a whole number of intervals after the last due time
            t.dueInstant = t.cron.every() != null ? nextCron(t, lastEveryTime(t, wallNow)) : nextCron(t, wallNow);
        }
        if (t.kind == TaskImpl.Kind.CRON && t.dueInstant == null) {
            done(t);
            return;
        }
        if (t.kind.wallClock()) {
            t.dueNanos = toNanos(t.dueInstant, now, wallNow);
        }
        enqueue(t);
    }

    /**
     * The next fire time of a cron task strictly after {@code after}, or null when its expression
     * has none left (only near the end of the supported range of dates). Under the lock.
     */
    private static Instant nextCron(TaskImpl t, Instant after) {
        try {
            return t.cron.next(after);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /**
     * The last regular time of an {@code @every} task at or before {@code wallNow}, its due time
     * plus a whole number of intervals; the next fire time is one interval after it. Under the lock.
     */
    private static Instant lastEveryTime(TaskImpl t, Instant wallNow) {
        long period = Durations.toNanosSaturated(t.cron.every());
        long missed = Durations.toNanosSaturated(Duration.between(t.dueInstant, wallNow)) / period;
        return t.dueInstant.plusNanos(missed * period);
    }

    /** Ends a repeating task that has no due time left; a run still active just ends. Under the lock. */
    private void done(TaskImpl t) {
        t.hasDue = false;
        t.state = ScheduledTask.State.DONE;
        table.remove(t.id, t);
    }

    private void enqueue(TaskImpl t) {
        t.seq = seq++;
        t.queued = true;
        due.add(t);
    }

    private static long toNanos(Instant when, long now, Instant wallNow) {
        return now + Durations.toNanosSaturated(Duration.between(wallNow, when));
    }
    private long wallOffset(long now) {
        Instant w = clock.instant();
        return w.getEpochSecond() * 1_000_000_000L + w.getNano() - now;
    }

    /** Re-derives the monotonic due times of wall-clock tasks when the wall clock jumped. */
    private void resyncWallClock(long now) {
        long offset = wallOffset(now);
        if (Math.abs(offset - wallOffset) <= WALL_SLACK) {
            return;
        }
        wallOffset = offset;
        Instant wallNow = clock.instant();
        List<TaskImpl> wall = new ArrayList<>();
        for (TaskImpl t : due) {
            if (t.kind.wallClock()) {
                wall.add(t);
            }
        }
        for (TaskImpl t : wall) {
            due.remove(t);
            t.dueNanos = toNanos(t.dueInstant, now, wallNow);
            due.add(t);
        }
    }

    /** The next run of a task for display, or null. */
    Instant nextRunOf(TaskImpl t) {
        if (t.state != ScheduledTask.State.SCHEDULED || !t.hasDue || !t.queued) {
            return null;
        }
        if (t.kind.wallClock()) {
            return t.dueInstant;
        }
        return clock.instant().plusNanos(t.dueNanos - clock.nanoTime());
    }

    // ---------------------------------------------------------------- the scheduler thread

    /** A run decided under the lock, submitted outside it. */
    private static final class Dispatch {
        final TaskImpl task;
        /** The start's context (the scheduler's runContext when the run was decided). */
        final CancellableContext start;
        final CancellableContext ctx;
        final WorkerPool pool;
        final Executor executor;

        Dispatch(TaskImpl task, CancellableContext start, CancellableContext ctx, WorkerPool pool, Executor executor) {
            this.task = task;
            this.start = start;
            this.ctx = ctx;
            this.pool = pool;
            this.executor = executor;
        }
    }

    private void loop(CancellableContext startContext) {
        while (true) {
            try {
                if (!loopOnce(startContext)) {
                    return;
                }
            } catch (RuntimeException | Error e) {
                // A defect must not silently end the schedule: log it and keep serving.
                LOG.log(Level.ERROR, "scheduler " + name + ": unexpected failure of the scheduler thread", e);
                clock.parkNanos(this, MAX_PARK);
            }
        }
    }

    /** One pass: handle what is due, submit it, or park. Returns false once this start is over. */
    private boolean loopOnce(CancellableContext startContext) {
        List<Dispatch> dispatches = new ArrayList<>();
        {
            long wait;
            lock.lock();
            try {
                if (runContext != startContext) {
                    return false;
                }
                long now = clock.nanoTime();
                resyncWallClock(now);
                TaskImpl head;
                while ((head = due.peek()) != null && head.dueNanos - now <= 0) {
                    due.poll();
                    head.queued = false;
                    fire(head, now, dispatches);
                }
                wait = head == null ? MAX_PARK : Math.min(MAX_PARK, head.dueNanos - now);
                processedNanos = now;
            } finally {
                lock.unlock();
            }
            if (dispatches.isEmpty()) {
                // An interrupt pending would make every park return at once: a busy loop. Nothing
                // interrupts this thread on purpose (stop() unparks it), but a job that an executor
                // runs on it (executor(Runnable::run)) may leave it interrupted.
                Thread.interrupted();
                clock.parkNanos(this, wait);
            } else {
                for (Dispatch d : dispatches) {
                    // likewise before each hand-off: an executor that runs the job on this thread would
                    // start it interrupted by the job before it (nothing else interrupts this thread)
                    Thread.interrupted();
                    submit(d);
                }
            }
            return true;
        }
    }

    /** A task came due: decide whether it runs, and when it is due next. Under the lock. */
    private void fire(TaskImpl t, long now, List<Dispatch> dispatches) {
        Instant wallNow = null;
        if (t.kind.wallClock()) {
            wallNow = clock.instant();
            if (wallNow.isBefore(t.dueInstant)) {
                t.dueNanos = toNanos(t.dueInstant, now, wallNow); // the wall clock is behind: wait more
                enqueue(t);
                return;
            }
        }
        switch (t.kind) {
            case RATE: {
                long next = t.dueNanos + t.periodNanos;
                if (next - now <= 0) {
                    long missed = (now - t.dueNanos) / t.periodNanos;
                    next = t.dueNanos + (missed + 1) * t.periodNanos;
                    t.skipped += missed;
                    skipped += missed;
                }
                t.dueNanos = next;
                enqueue(t);
                break;
            }
            case CRON: {
                Instant next;
                long missed = 0;
                if (t.cron.every() != null) {
                    // @every is a fixed rate: count the missed fire times as RATE does, not by a
                    // search that stops counting at 10 000 (a late "@every 1ms" misses far more).
                    long period = Durations.toNanosSaturated(t.cron.every());
                    missed = Durations.toNanosSaturated(Duration.between(t.dueInstant, wallNow)) / period;
                    next = nextCron(t, t.dueInstant.plusNanos(missed * period));
                } else {
                    next = nextCron(t, t.dueInstant);
                    while (next != null && !next.isAfter(wallNow) && missed < 10_000) {
                        missed++;
                        next = nextCron(t, next);
                    }
                }
                if (next != null && !next.isAfter(wallNow)) {
                    next = nextCron(t, wallNow);
                }
                t.skipped += missed;
                skipped += missed;
                if (next == null) {
                    done(t); // this run is its last
                } else {
                    t.dueInstant = next;
                    t.dueNanos = toNanos(next, now, wallNow);
                    enqueue(t);
                }
                break;
            }
            default:
                // ONCE, AT, DELAY: complete() decides what comes next.
                t.hasDue = false;
                break;
        }
        OverlapPolicy policy = t.kind.oneShot() || t.kind == TaskImpl.Kind.DELAY ? OverlapPolicy.ALLOW : t.overlap;
        if (policy == OverlapPolicy.SKIP && !t.active.isEmpty()) {
            t.skipped++;
            skipped++;
            return;
        }
        CancellableContext ctx = runContext.withCancel();
        t.active.add(ctx);
        activeRuns++;
        dispatches.add(new Dispatch(t, runContext, ctx, pool, executor));
    }

    /** Hands a run to the pool or executor. Outside the lock. */
    private void submit(Dispatch d) {
        ScheduledRun run = new ScheduledRun(this, d.task, d.start, d.ctx);
        try {
            if (d.pool != null) {
                d.pool.submit(d.ctx, run).whenComplete((result, error) -> run.notRun(
                        error != null ? error : result == null ? null : result.failure()));
            } else {
                d.executor.execute(() -> run.execute(d.ctx));
            }
        } catch (RuntimeException | Error e) {
            // An Error too (an executor's OutOfMemoryError "unable to create native thread"): the
            // run must end, or it stays active for ever (later runs skipped, stop() waiting).
            run.notRun(e);
        }
    }

    /**
     * Whether a run decided under the start context {@code start} may begin its job. False once
     * {@link #stop(Duration)} has begun: stop clears {@link #runContext} under the lock before it
     * cancels any run context, and the run contexts are cancelled one by one, so a worker freed
     * meanwhile could otherwise take a queued run whose context is still live. Taking the lock
     * here makes the check and stop's first step ordered: a run either began before stop did or
     * never begins.
     */
    boolean mayStart(CancellableContext start) {
        lock.lock();
        try {
            return runContext == start;
        } finally {
            lock.unlock();
        }
    }

    /** A run ended (or never started): record it and decide what comes next. */
    void complete(TaskImpl t, CancellableContext ctx, boolean jobStarted, RunOutcome.Status status, Instant started,
            long nanos, Throwable failure) {
        Thread wake = null;
        boolean giveBack;
        lock.lock();
        try {
            t.active.remove(ctx);
            activeRuns--;
            t.runs++;
            runs++;
            switch (status) {
                case SUCCEEDED:
                    succeeded++;
                    break;
                case FAILED:
                    failed++;
                    t.failures++;
                    break;
                default:
                    cancelled++;
                    break;
            }
            t.last = new RunOutcome(t.runs, status, started, Duration.ofNanos(Math.max(0, nanos)), failure);
            giveBack = releaseAfterRun(t);
            long now = clock.nanoTime();
            if (t.state == ScheduledTask.State.SCHEDULED) {
                if (t.kind.oneShot()) {
                    if (status == RunOutcome.Status.FAILED && t.backoff != null
                            && t.retriesDone < t.backoff.maxRetries()) {
                        t.retriesDone++;
                        retries++;
                        armAfter(t, now, Durations.toNanosSaturated(t.backoff.delayBefore(t.retriesDone)));
                        wake = thread;
                    } else if (!jobStarted && status == RunOutcome.Status.CANCELLED) {
                        // A still-scheduled task's run context was cancelled before the job started:
                        // only stop() does that. Run it at the next start (at once if already restarted).
                        armAfter(t, now, 0);
                        wake = thread;
                    } else {
                        t.state = ScheduledTask.State.DONE;
                        table.remove(t.id, t);
                    }
                } else if (t.kind == TaskImpl.Kind.DELAY) {
                    armAfter(t, now, t.periodNanos);
                    wake = thread;
                }
            }
        } finally {
            lock.unlock();
        }
        ctx.close();
        if (giveBack) {
            t.lease.release();
        }
        if (wake != null) {
            LockSupport.unpark(wake);
        }
        for (Thread waiter : stopWaiters) {
            LockSupport.unpark(waiter);
        }
    }

    /**
     * Whether the run of {@code t} that just ended must release the task's lease: it was the task's
     * last active run, and the task was cancelled or the scheduler stopped (or closed) meanwhile,
     * whose {@link #releaseLeases} left the lease to it. Not when the scheduler was started again
     * (the lease is that start's) nor for a one-shot task done (kept for its ttl, so that a node
     * whose clock is late does not run it again). Under the lock.
     */
    private boolean releaseAfterRun(TaskImpl t) {
        return t.lease != null && t.active.isEmpty()
                && (t.state == ScheduledTask.State.CANCELLED || life != LifeCycle.RUNNING);
    }

    /**
     * A run of a once-per-cluster task did not get the task's lease (another node holds it, or the
     * store cannot be reached): it counts as skipped, not as a run. A one-shot task is done (another
     * node runs it); a fixed-delay task is due again one delay later.
     */
    void skippedWithoutLease(TaskImpl t, CancellableContext ctx) {
        Thread wake = null;
        boolean giveBack;
        lock.lock();
        try {
            t.active.remove(ctx);
            activeRuns--;
            t.skipped++;
            skipped++;
            giveBack = releaseAfterRun(t);
            if (t.state == ScheduledTask.State.SCHEDULED) {
                if (t.kind.oneShot()) {
                    t.state = ScheduledTask.State.DONE;
                    table.remove(t.id, t);
                } else if (t.kind == TaskImpl.Kind.DELAY) {
                    armAfter(t, clock.nanoTime(), t.periodNanos);
                    wake = thread;
                }
            }
        } finally {
            lock.unlock();
        }
        ctx.close();
        if (giveBack) {
            t.lease.release();
        }
        if (wake != null) {
            LockSupport.unpark(wake);
        }
        for (Thread waiter : stopWaiters) {
            LockSupport.unpark(waiter);
        }
    }

    /** Sets a monotonic due time {@code delay} after now; queues it if running. Under the lock. */
    private void armAfter(TaskImpl t, long now, long delay) {
        t.hasDue = true;
        t.dueNanos = now + delay;
        if (t.kind.wallClock()) {
            t.dueInstant = clock.instant().plusNanos(delay);
        }
        if (life == LifeCycle.RUNNING) {
            enqueue(t);
        }
    }

    // ---------------------------------------------------------------- reading

    /** Returns the clock time up to which due tasks were handed to the pool (for tests). */
    long processedNanos() {
        return processedNanos;
    }

    <T> T read(Supplier<T> reader) {
        lock.lock();
        try {
            return reader.get();
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
        return Kind.SCHEDULER;
    }

    @Override
    public SchedulerStats stats() {
        return read(() -> new SchedulerStats(life == LifeCycle.RUNNING, table.size(), activeRuns, runs, succeeded,
                failed, cancelled, skipped, retries));
    }

    @Override
    public String toString() {
        return "Scheduler[" + name + ", " + stats().toMap() + "]";
    }
}
