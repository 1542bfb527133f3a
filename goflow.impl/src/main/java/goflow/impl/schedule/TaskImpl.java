package goflow.impl.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import goflow.api.context.CancellableContext;
import goflow.api.schedule.Backoff;
import goflow.api.schedule.Job;
import goflow.api.schedule.OverlapPolicy;
import goflow.api.schedule.RunOutcome;
import goflow.api.schedule.ScheduledTask;

/**
 * One scheduled job. Its configuration is final; its mutable state belongs to the scheduler and is
 * guarded by the scheduler's lock ({@link SchedulerImpl#lock}), which every getter takes briefly.
 *
 * <p>State machine ({@link #state}): SCHEDULED → DONE (one-shot ended, retries included; or a
 * cron task whose expression has no fire time left) or SCHEDULED → CANCELLED. Only SCHEDULED tasks are in the scheduler's table, and only those with a
 * due time and no pending completion are in its due queue ({@link #queued}).
 */
final class TaskImpl implements ScheduledTask {
    /** What kind of schedule; decides what happens when it comes due and when a run ends. */
    enum Kind {
        ONCE, AT, RATE, DELAY, CRON;

        boolean oneShot() {
            return this == ONCE || this == AT;
        }

        boolean wallClock() {
            return this == AT || this == CRON;
        }
    }

    final SchedulerImpl scheduler;
    final String id;
    final Job job;
    final Kind kind;
    /** ONCE: the delay; RATE/DELAY: the initial delay. */
    final long firstDelayNanos;
    /** RATE/DELAY: the period or delay. */
    final long periodNanos;
    /** AT: the instant. */
    final Instant at;
    /** CRON: the expression. */
    final CronExpression cron;
    final OverlapPolicy overlap;
    /** One-shot tasks only; may be null. */
    final Backoff backoff;
    final String description;
    /** The lease of a once-per-cluster task; null for a task that runs on every node. */
    final ClusterLease lease;
    /**
     * Whether a run the pool or executor refused was logged as a WARNING since a run of this task
     * last started (later refusals are logged at DEBUG). Volatile: set where the refusal is heard
     * (the scheduler thread, or the pool's completion), cleared on a run's thread; a lost update
     * costs at most one line more or less.
     */
    volatile boolean notRunSaid;

    // ---- guarded by scheduler.lock ----
    State state = State.SCHEDULED;
    /** Whether {@link #dueNanos} (and, for wall-clock kinds, {@link #dueInstant}) hold the next due time. */
    boolean hasDue;
    long dueNanos;
    /** For AT and CRON: the wall time of the next run. */
    Instant dueInstant;
    /** Whether the task is in the scheduler's due queue. */
    boolean queued;
    /** Tie-breaker in the due queue, set at each enqueue. */
    long seq;
    /** Runs submitted and not ended, with their contexts. */
    final Set<CancellableContext> active = new HashSet<>();
    long runs;
    long failures;
    long skipped;
    int retriesDone;
    RunOutcome last;

    TaskImpl(SchedulerImpl scheduler, String id, Job job, Kind kind, long firstDelayNanos, long periodNanos,
            Instant at, CronExpression cron, OverlapPolicy overlap, Backoff backoff, ClusterLease lease) {
        this.scheduler = scheduler;
        this.id = id;
        this.job = job;
        this.kind = kind;
        this.firstDelayNanos = firstDelayNanos;
        this.periodNanos = periodNanos;
        this.at = at;
        this.cron = cron;
        this.overlap = overlap;
        this.backoff = backoff;
        this.lease = lease;
        this.description = lease == null ? describe() : describe() + ", once per cluster";
    }

    private String describe() {
        String retry = backoff == null ? "" : ", retry " + backoff;
        switch (kind) {
            case ONCE:
                return "once after " + Duration.ofNanos(firstDelayNanos) + retry;
            case AT:
                return "once at " + at + retry;
            case RATE:
                return "every " + Duration.ofNanos(periodNanos);
            case DELAY:
                return "every " + Duration.ofNanos(periodNanos) + " after completion";
            default:
                return "cron " + cron.expression() + " (" + cron.zone() + ")";
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String schedule() {
        return description;
    }

    @Override
    public State state() {
        return scheduler.read(() -> state);
    }

    @Override
    public Optional<Instant> nextRun() {
        return scheduler.read(() -> Optional.ofNullable(scheduler.nextRunOf(this)));
    }

    @Override
    public long runCount() {
        return scheduler.read(() -> runs);
    }

    @Override
    public long failureCount() {
        return scheduler.read(() -> failures);
    }

    @Override
    public long skippedCount() {
        return scheduler.read(() -> skipped);
    }

    @Override
    public int activeRuns() {
        return scheduler.read(active::size);
    }

    @Override
    public Optional<RunOutcome> lastOutcome() {
        return scheduler.read(() -> Optional.ofNullable(last));
    }

    @Override
    public boolean cancel() {
        return scheduler.cancel(this);
    }

    @Override
    public String toString() {
        return "ScheduledTask[" + id + ", " + description + "]";
    }
}
