package goflow.api.channel;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.context.ContextException;

/**
 * A running connection between channels made by {@link Channels} (merge, fan-out, tee, batch,
 * pipe). It moves values on its own threads until it ends, which happens exactly once, when:
 * <ul>
 * <li>every source is closed and drained (normal end; {@link #completion()} completes normally);</li>
 * <li>its context is cancelled or {@link #close()} is called ({@link #completion()} fails with the
 *     {@link ContextException});</li>
 * <li>a target is closed underneath it, or a mapping function throws ({@link #completion()} fails
 *     with that exception).</li>
 * </ul>
 * <p>When it ends, for whatever reason, it closes its targets (so their receivers drain and then see
 * the end) and its threads stop; it never closes its sources. A value that was taken from a source
 * but not yet delivered when the link was cancelled or failed is lost; the delivered values are
 * counted by {@link #transferred()}.
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface ChannelLink extends AutoCloseable {

    /**
     * Returns a descriptive name, e.g. {@code "merge->out"}, also used in its threads' names.
     *
     * @return the name
     */
    String name();

    /**
     * Returns the stage completed when the link has ended and all its threads have stopped.
     *
     * @return completes normally when the sources ended, exceptionally otherwise (see above)
     */
    CompletionStage<Void> completion();

    /**
     * Returns whether the link has ended and its threads have stopped.
     *
     * @return {@code true} once ended
     */
    boolean isDone();

    /**
     * Waits until the link has ended.
     *
     * @param timeout the longest time to wait
     * @return {@code true} if it ended in time
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    boolean awaitDone(Duration timeout) throws InterruptedException;

    /**
     * Returns how many values (for {@code batch}: batches) were delivered to targets; a value
     * delivered to several targets by {@code tee} counts once.
     *
     * @return the count so far
     */
    long transferred();

    /**
     * Cancels the link if it is still running, then waits for its threads to stop. Idempotent.
     */
    @Override
    void close();
}
