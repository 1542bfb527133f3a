package goflow.api.schedule;

import java.time.Instant;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle on one scheduled job: its id, schedule, next run, counters and last outcome; and the
 * way to cancel it.
 *
 * <p>States: {@link State#SCHEDULED} → {@link State#DONE} (a one-shot task whose run, and retries,
 * ended, or a cron task whose expression has no fire time left, see {@link Cron#next(Instant)})
 * or → {@link State#CANCELLED} ({@link #cancel()}, {@link Scheduler#cancelAll()} or
 * {@link Scheduler#close()}). A finished or cancelled task leaves the scheduler's
 * {@link Scheduler#tasks() table}; the handle stays readable.
 *
 * <p>Thread-safe; every getter returns a value at the time of the call.
 */
@ProviderType
public interface ScheduledTask {

    /**
     * Returns the task's id, unique among the tasks of its scheduler: the one given, or
     * {@code task-<n>}.
     *
     * @return the id
     */
    String id();

    /**
     * Describes the schedule, e.g. {@code "once after PT5S"}, {@code "every PT10S"},
     * {@code "every PT10S after completion"} or {@code "cron 0 9 * * MON-FRI (Europe/Berlin)"}.
     *
     * @return the description
     */
    String schedule();

    /**
     * Returns the task's state.
     *
     * @return the state
     */
    State state();

    /**
     * Returns when the task runs next.
     *
     * @return the next run time, or empty when none is planned: the scheduler is stopped, the task
     *     is finished or cancelled, or a one-shot or fixed-delay task is running (its next time
     *     depends on how the run ends)
     */
    Optional<Instant> nextRun();

    /**
     * Returns how many runs ended (successful, failed or cancelled; retries included).
     *
     * @return the run count
     */
    long runCount();

    /**
     * Returns how many runs failed.
     *
     * @return the failure count
     */
    long failureCount();

    /**
     * Returns how many times the task came due but did not run: its previous run was still active
     * ({@link OverlapPolicy#SKIP}), or the scheduler was late by more than one period.
     *
     * @return the skip count
     */
    long skippedCount();

    /**
     * Returns how many runs are queued or running right now.
     *
     * @return the active run count
     */
    int activeRuns();

    /**
     * Returns how the last run ended.
     *
     * @return the last outcome, or empty before the first run ended
     */
    Optional<RunOutcome> lastOutcome();

    /**
     * Cancels the task: no further run starts, and the contexts of its active runs are cancelled.
     * Idempotent.
     *
     * @return true if this call cancelled it, false if it was already finished or cancelled
     */
    boolean cancel();

    /** The states of a task; see {@link ScheduledTask}. */
    enum State {
        /** Waiting for its next run (or, while the scheduler is stopped, for the start). */
        SCHEDULED,
        /**
         * A one-shot task whose run ended (after its retries, if any), or a cron task whose
         * expression has no fire time left (only near the end of the supported range of dates).
         */
        DONE,
        /** Cancelled. */
        CANCELLED
    }
}
