package goflow.api.pipeline;

import java.util.concurrent.CompletableFuture;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A streaming run in progress: live counts, cancellation and the final {@link StreamingResult}.
 * When {@link #await()} returns the result, every thread of the run has ended; when
 * {@link #completion()} completes, every thread of the run has done its work, and the last one
 * (which completes it, and runs the actions chained on it) ends after them.
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface StreamingRun {

    /**
     * Returns how many items were taken from the source so far.
     *
     * @return the count
     */
    long itemsIn();

    /**
     * Returns how many outputs were delivered so far: sink calls that returned normally. An item
     * whose sink call throws is not counted here; it ends up dropped.
     *
     * @return the count
     */
    long itemsOut();

    /**
     * Returns how many items failed so far: failed in a stage and handed to the error handler,
     * or, without one, stopped the run. A failed item still waiting for the error handler is in
     * flight; if the run stops first, it ends up dropped.
     *
     * @return the count
     */
    long itemsFailed();

    /**
     * Returns how many items are between the source and the sink now: in buffers, in stages, or
     * waiting for an earlier item to keep order, or waiting for the sink or the error handler.
     * Bounded by the sum over the stages of buffer size plus concurrency. While the run goes on
     * it is {@code itemsIn() - itemsOut() - itemsFailed()}; once the run has ended it is zero (the
     * items still in the run then are {@linkplain StreamingResult#itemsDropped() dropped}).
     *
     * @return the count
     */
    long itemsInFlight();

    /**
     * Cancels the run: its context is cancelled, its threads are interrupted and stop, items not
     * yet delivered are dropped. Idempotent; does nothing once the run has ended.
     */
    void cancel();

    /**
     * Returns the future completed with the result by the run's last thread once every thread of
     * the run has done its work (the threads end just after; {@link #await()} waits until they
     * have). It always completes normally; cancelling it cancels the run.
     *
     * @return the completion
     */
    CompletableFuture<StreamingResult> completion();

    /**
     * Waits for the run to end and for all its threads to terminate. It cannot be called from
     * the run's own source, stages, sink or error handler: they run on threads it waits for (a
     * callback chained on {@link #completion()} may call it).
     *
     * @return the result
     * @throws InterruptedException if the calling thread is interrupted while waiting (the run
     *     goes on; call {@link #cancel()} to stop it)
     * @throws IllegalStateException if called on one of the run's own threads before the run
     *     ended; the run goes on
     */
    StreamingResult await() throws InterruptedException;
}
