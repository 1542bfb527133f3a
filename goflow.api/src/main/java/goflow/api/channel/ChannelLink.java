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
 * <li>a target is closed underneath it, a target of strategy {@code ERROR} is full (the
 *     {@link ChannelFullException}; that value is lost), or a mapping function throws
 *     ({@link #completion()} fails with that exception).</li>
 * </ul>
 * <p>When it ends, for whatever reason, it closes its targets (so their receivers drain and then see
 * the end) and its threads stop; it never closes its sources. A value that was taken from a source
 * but not yet delivered when the link was cancelled or failed is lost; the delivered values are
 * counted by {@link #transferred()}.
 *
 * <p><b>A mapping function that does not return.</b> A {@code pipe} function never sees the link's
 * context, so cancelling cannot stop it. {@link #close(Duration)} bounds the wait for it: past the
 * timeout (or when the closing thread is interrupted, also in {@link #close()}) the link <em>gives
 * up</em> on its threads still running: they are interrupted, the targets are closed at once (their
 * receivers drain what was delivered and see the end) and a WARNING names each thread and the frame
 * it is stuck in. Such a thread keeps its name and ends when the function returns; the value it
 * returns then is not delivered (the one value it holds is lost, as on any cancellation), no more
 * values are taken from the sources, and only then is the link done and {@link #completion()}
 * completed (with the {@link ContextException}).
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
     * Returns the stage completed when the link has ended: by the last of its threads as it ends
     * (actions added before then run on that thread), when the others have nothing left to do but
     * end; {@link #awaitDone} and {@link #close()} wait until every thread has stopped.
     *
     * @return completes normally when the sources ended, exceptionally otherwise (see above)
     */
    CompletionStage<Void> completion();

    /**
     * Returns whether the link has ended: {@link #completion()} is completed and its threads have
     * nothing left to do but end ({@link #awaitDone} waits until they have stopped).
     *
     * @return {@code true} once ended
     */
    boolean isDone();

    /**
     * Waits until the link has ended and its threads have stopped (called from one of them, a
     * {@link #completion()} action, say: until the others have).
     *
     * @param timeout the longest time to wait, on the clock of the link's context (as
     *     {@link #close(Duration)} waits)
     * @return {@code true} if it ended, and its threads stopped, in time
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws goflow.api.InvalidConfigException if {@code timeout} is null
     */
    boolean awaitDone(Duration timeout) throws InterruptedException;

    /**
     * Returns how many values (for {@code batch}: batches) were delivered to targets; a value
     * delivered to several targets by {@code tee} counts once. A value a
     * {@link OverflowStrategy#DROP_NEWEST} target dropped was not delivered (the target's
     * {@link ChannelStats#dropped()} counts it); a {@code tee} value counts if any target took it.
     *
     * @return the count so far
     */
    long transferred();

    /**
     * Cancels the link if it is still running, then waits for its threads to stop. Idempotent.
     *
     * <p>It waits as long as the threads take; a mapping function that ignores interrupts can make
     * that for ever: use {@link #close(Duration)} to bound the wait. If the closing thread is
     * interrupted while waiting, it gives up at once as {@code close(Duration)} does at its timeout
     * and returns with the interrupt flag set. Called from one of the link's own threads (a mapping
     * function), it does not wait for that thread, which ends when the function returns.
     */
    @Override
    void close();

    /**
     * Closes as {@link #close()} does, waiting at most {@code timeout} (on the clock of the link's
     * context) for its threads to stop. Past the timeout, or if the calling thread is interrupted
     * (its interrupt flag is then set again), it gives up on the threads still running, as described
     * above: they are interrupted, the targets are closed, and they end when the function they are
     * in returns, delivering nothing more. Idempotent: a later call waits again, at most its own
     * timeout.
     *
     * @param timeout how long to wait at most; zero gives up at once unless already stopped
     * @return {@code true} if every thread of the link had stopped when it returned; {@code false}
     *     if it gave up on some, or was called from one of the link's own threads (which it does
     *     not wait for)
     * @throws goflow.api.InvalidConfigException if {@code timeout} is null or negative
     * @since 0.3
     */
    boolean close(Duration timeout);
}
