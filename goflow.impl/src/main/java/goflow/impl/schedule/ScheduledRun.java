package goflow.impl.schedule;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.pool.Task;
import goflow.api.schedule.Lease;
import goflow.api.schedule.RunOutcome;

/**
 * One run of a task, as submitted to the pool. It ends exactly once ({@link #claimed}): either the
 * job ran ({@link #execute}) or the pool or executor never ran it ({@link #notRun}). Thread-safe.
 */
final class ScheduledRun implements Task<Void> {
    private static final System.Logger LOG = System.getLogger(ScheduledRun.class.getName());
    /** The scheduler whose job the current thread is running, so stop() from a job does not wait for itself. */
    static final ThreadLocal<SchedulerImpl> RUNNING_FOR = new ThreadLocal<>();

    private final SchedulerImpl scheduler;
    private final TaskImpl task;
    /** The context of the scheduler start that decided this run; see {@link SchedulerImpl#mayStart}. */
    private final CancellableContext startContext;
    private final CancellableContext runContext;
    /** Set by whichever of execute() and notRun() comes first; the other does nothing. */
    private final AtomicBoolean claimed = new AtomicBoolean();

    ScheduledRun(SchedulerImpl scheduler, TaskImpl task, CancellableContext startContext, CancellableContext runContext) {
        this.scheduler = scheduler;
        this.task = task;
        this.startContext = startContext;
        this.runContext = runContext;
    }

    @Override
    public Void run(Context ctx) {
        execute(ctx);
        return null;
    }

    /** Runs the job with {@code ctx} (the run context or the pool's child of it) and records it. */
    void execute(Context ctx) {
        if (!claimed.compareAndSet(false, true)) {
            return;
        }
        if (task.notRunSaid) {
            task.notRunSaid = false; // the pool runs this task again: a later refusal is news
        }
        Instant started = scheduler.clock.instant();
        if (!ctx.isDone() && !scheduler.mayStart(startContext)) {
            // stop() has begun but has not reached this run's context yet: end it now, unstarted.
            runContext.cancel();
        }
        if (ctx.isDone()) {
            scheduler.complete(task, runContext, false, RunOutcome.Status.CANCELLED, started, 0,
                    ctx.error().orElse(null));
            return;
        }
        ClusterLease.Renewer renewer = null;
        Context jobContext = ctx;
        if (task.lease != null) {
            Lease lease;
            long claimSent = scheduler.clock.nanoTime(); // the lease's time to live counts from here
            try {
                lease = task.lease.claimForRun();
            } catch (Throwable e) {
                // claimForRun turns the provider's exceptions into a skip; an Error (a provider whose
                // bundle went away: NoClassDefFoundError) or a checked exception thrown undeclared,
                // which claimForRun logged, must still end the run, or it would stay active for ever
                // (later runs skipped, stop() waiting its whole timeout).
                scheduler.complete(task, runContext, false, RunOutcome.Status.FAILED, started, 0, e);
                return;
            }
            if (lease == null) {
                scheduler.skippedWithoutLease(task, runContext);
                return;
            }
            if (ctx.isDone() || !scheduler.mayStart(startContext)) {
                // stop() (or a cancel) began during the claim, a round trip to the store: the job
                // does not start, and the lease claimed for it is given back (stop() may have
                // released the task's leases before the claim returned).
                runContext.cancel();
                task.lease.release();
                scheduler.complete(task, runContext, false, RunOutcome.Status.CANCELLED, started, 0,
                        ctx.error().orElse(null));
                return;
            }
            try {
                renewer = task.lease.renewWhileRunning(lease, runContext, scheduler.clock, claimSent,
                        "goflow-lease-" + scheduler.name + "-" + task.id);
            } catch (RuntimeException | Error e) { // the renewer thread could not be started
                failedBeforeJob(started, e);
                return;
            }
            jobContext = ctx.withValue(Lease.CONTEXT_KEY, lease);
            started = scheduler.clock.instant();
        }
        long t0 = scheduler.clock.nanoTime();
        Throwable failure = null;
        SchedulerImpl outer = RUNNING_FOR.get();
        RUNNING_FOR.set(scheduler);
        try {
            task.job.run(jobContext);
        } catch (Throwable e) {
            // Throwable, not Exception | Error: Kotlin, Scala or a sneaky throw may throw any
            // Throwable, and a run that does not reach complete() stays active for ever (later
            // runs skipped, stop() waiting its whole timeout).
            failure = e;
        } finally {
            RUNNING_FOR.set(outer);
            if (renewer != null) {
                renewer.stop();
            }
        }
        long nanos = scheduler.clock.nanoTime() - t0;
        RunOutcome.Status status;
        if (failure == null) {
            status = RunOutcome.Status.SUCCEEDED;
        } else if (ctx.isDone()) {
            status = RunOutcome.Status.CANCELLED;
        } else {
            status = RunOutcome.Status.FAILED;
            Throwable thrown = failure;
            LOG.log(Level.DEBUG, () -> "scheduler " + scheduler.name + ": task " + task.id + " failed", thrown);
        }
        scheduler.complete(task, runContext, true, status, started, nanos, failure);
    }

    /** Ends the run as failed when something around the job failed before the job started. */
    private void failedBeforeJob(Instant started, Throwable e) {
        LOG.log(Level.WARNING, "scheduler " + scheduler.name + ": task " + task.id
                + " could not start its run", e);
        scheduler.complete(task, runContext, false, RunOutcome.Status.FAILED, started, 0, e);
    }

    /** The pool or executor finished with this run without running the job (or after it did). */
    void notRun(Throwable why) {
        if (!claimed.compareAndSet(false, true)) {
            return;
        }
        boolean cancelled = runContext.isDone();
        if (!cancelled) {
            // said once until a run of the task starts again, not at every due time of a pool that
            // refuses them all (full, or shut down by its owner); each such run is a FAILED outcome
            Level level = task.notRunSaid ? Level.DEBUG : Level.WARNING;
            task.notRunSaid = true;
            LOG.log(level, "scheduler " + scheduler.name + ": the pool did not run task " + task.id
                    + (level == Level.WARNING ? " (said once until a run of it starts again)" : ""), why);
        }
        scheduler.complete(task, runContext, false, cancelled ? RunOutcome.Status.CANCELLED : RunOutcome.Status.FAILED,
                scheduler.clock.instant(), 0, why);
    }

    @Override
    public String toString() {
        return "run of " + task;
    }
}
