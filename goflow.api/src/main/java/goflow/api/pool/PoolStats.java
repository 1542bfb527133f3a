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
 * @param averageTaskTime mean run time of the tasks that ran; zero if none did
 * @param maxTaskTime longest run time of a task; zero if none ran
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
     * @param averageTaskTime mean run time
     * @param maxTaskTime longest run time
     */
    public PoolStats {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(averageTaskTime, "averageTaskTime");
        Objects.requireNonNull(maxTaskTime, "maxTaskTime");
    }
}
