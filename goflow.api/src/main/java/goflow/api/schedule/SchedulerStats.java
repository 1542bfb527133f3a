package goflow.api.schedule;

import goflow.api.inspect.Stats;

/**
 * A statistics snapshot of a {@link Scheduler}; counters are totals since it was built.
 *
 * @param running whether the scheduler is started
 * @param tasks the tasks scheduled and not finished or cancelled
 * @param activeRuns the runs submitted to the pool and not yet ended
 * @param runs the runs that ended
 * @param succeeded the runs that succeeded
 * @param failed the runs that failed (including rejected by the pool)
 * @param cancelled the runs that ended cancelled
 * @param skipped the runs skipped (overlap, or missed while the scheduler was late)
 * @param retries the retries scheduled after failed one-shot runs
 */
public record SchedulerStats(boolean running, int tasks, int activeRuns, long runs, long succeeded, long failed,
        long cancelled, long skipped, long retries) implements Stats {
}
