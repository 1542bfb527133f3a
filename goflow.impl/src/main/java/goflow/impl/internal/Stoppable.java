package goflow.impl.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A primitive whose close can be taken apart into steps that never block, so that a bounded close
 * (a bundle stop) can stop many primitives within one shared time limit and give up on those that
 * do not stop: {@link #stopGracefully()}, wait for {@link #stopped()} until the limit,
 * {@link #stopNow()}, wait a little more, then {@link #abandon(String)}.
 *
 * <p>Implementations are thread-safe; every method is idempotent and returns at once.
 */
public interface Stoppable {

    /** Stops intake and lets accepted work finish (a pool's {@code shutdown()}, a writer's close). */
    void stopGracefully();

    /**
     * Returns the future completed once stopped: no accepted work left running, no thread of this
     * primitive running its code any more. The same object on every call.
     *
     * @return the future; never completed exceptionally
     */
    CompletableFuture<Void> stopped();

    /**
     * Stops without waiting for accepted work: cancels it and interrupts the threads doing it (a
     * pool's {@code shutdownNow()}; a writer gives up what it has not written). Implies
     * {@link #stopGracefully()}.
     */
    void stopNow();

    /**
     * Gives up on a primitive that did not stop: removes it from its registry and reports what
     * was lost. Its threads stay blocked where they are (in user code or an output) and end when
     * that returns; they run no more of the primitive's work.
     *
     * @param why why it is abandoned, for the report (e.g. {@code "... did not return within PT2S"})
     * @return the threads still running, for the caller's log; empty if it has stopped meanwhile
     */
    List<Thread> abandon(String why);
}
