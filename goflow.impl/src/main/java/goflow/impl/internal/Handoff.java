package goflow.impl.internal;

import java.util.concurrent.Executor;

import goflow.api.context.Context;

/**
 * One of goflow's own executors that can queue a runnable without waiting for room, or waiting only
 * as long as a context lasts. A task that hands follow-up work to the pool it runs on must not
 * wait for room in a full queue: only a worker makes room, and when every worker waits so, none
 * ever will (the pool deadlocks). A caller with a deadline must not wait past it.
 */
public interface Handoff extends Executor {

    /**
     * Queues {@code command} as {@link #execute(Runnable)} does, except that a wait for room in a
     * full queue ends when {@code ctx} is done, with its error.
     *
     * @param command the work
     * @param ctx how long to wait for room at most
     * @throws goflow.api.context.ContextException if {@code ctx} ended while waiting for room
     * @throws RuntimeException as {@link #execute} does when it refuses the command
     */
    void execute(Runnable command, Context ctx);

    /**
     * Queues {@code command} as {@link #execute} does, except that where {@code execute} would
     * wait for room in a full queue, this returns false at once and queues nothing.
     *
     * @param command the work
     * @return true if queued, false if the queue had no room
     * @throws RuntimeException as {@link #execute} does when it refuses the command (shut down, a
     *     full queue that rejects)
     */
    boolean tryExecute(Runnable command);
}
