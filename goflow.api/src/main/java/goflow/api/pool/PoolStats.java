package goflow.api.pool;

import java.time.Duration;
import java.util.Objects;

import goflow.api.inspect.Stats;

/**
 * A statistics snapshot of a {@link WorkerPool}. Each figure is read atomically, but the figures
 * are not read all at one instant, so while tasks run they may be off by the tasks in flight; once
 * the pool has terminated, {@code submitted == completed} and
 * {@code completed == succeeded + failed + timedOut + cancelled}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param state the pool's life-cycle state ({@link #toMap()} gives its name)
 * @param workers the target number of workers
 * @param busy workers running a task now
 * @param queued tasks waiting in the queue
 * @param queueCapacity the queue's capacity (0: hand-off only)
 * @param virtualThreads whether the workers are virtual threads
 * @param submitted tasks accepted since creation
 * @param completed tasks with a result, of any outcome
 * @param succeeded tasks that returned normally
 * @param failed tasks that threw while their context was live
 * @param timedOut tasks that threw after their deadline
 * @param cancelled tasks cancelled before or while running
 * @param rejected submissions refused (queue full, shut down, interrupted, submit context done)
 * @param averageTaskTime mean run time of the tasks that ran; zero if none did; {@code null} (and
 *     absent from {@link #toMap()}) when the pool does not measure task times
 *     ({@link WorkerPoolBuilder#measureTaskTimes(boolean)})
 * @param maxTaskTime longest run time of a task; zero if none ran; {@code null} (and absent from
 *     {@link #toMap()}) when the pool does not measure task times
 */
public record PoolStats(WorkerPool.State state, int workers, int busy, int queued, int queueCapacity,
        boolean virtualThreads, long submitted, long completed, long succeeded, long failed, long timedOut,
        long cancelled, long rejected, Duration averageTaskTime, Duration maxTaskTime) implements Stats {

    /**
     * Validates the components.
     *
     * @param state the life-cycle state
     * @param workers the target number of workers
     * @param busy busy workers
     * @param queued queued tasks
     * @param queueCapacity the queue's capacity
     * @param virtualThreads whether workers are virtual threads
     * @param submitted accepted tasks
     * @param completed tasks with a result
     * @param succeeded succeeded tasks
     * @param failed failed tasks
     * @param timedOut timed-out tasks
     * @param cancelled cancelled tasks
     * @param rejected refused submissions
     * @param averageTaskTime mean run time, or null when task times are not measured
     * @param maxTaskTime longest run time, or null when task times are not measured
     * @throws IllegalArgumentException if exactly one of the two task times is null
     */
    public PoolStats {
        Objects.requireNonNull(state, "state");
        if ((averageTaskTime == null) != (maxTaskTime == null)) {
            throw new IllegalArgumentException("averageTaskTime and maxTaskTime must both be null (task times not "
                    + "measured) or both be set, got " + averageTaskTime + " and " + maxTaskTime);
        }
    }

    /**
     * Returns whether the pool measures task times, that is whether {@link #averageTaskTime()} and
     * {@link #maxTaskTime()} are set.
     *
     * @return false for a pool built with {@code measureTaskTimes(false)}
     */
    public boolean taskTimesMeasured() {
        return averageTaskTime != null;
    }
}
