package goflow.api.pool;

/**
 * What {@link WorkerPool#submit} does when the queue is full.
 *
 * <p>Immutable.
 */
public enum QueueFullPolicy {
    /**
     * Wait for room in the queue, until the submit context is done (the submit throws its
     * {@link goflow.api.context.ContextException}), the pool shuts down, or the thread is
     * interrupted (both throw {@link RejectedException}). Blocked submitters are woken once the
     * queue has drained to half its capacity, so that a fast producer does not park once per task.
     * The default.
     */
    BLOCK,
    /** Throw {@link RejectedException} with {@link RejectedException.Reason#QUEUE_FULL} at once. */
    REJECT
}
