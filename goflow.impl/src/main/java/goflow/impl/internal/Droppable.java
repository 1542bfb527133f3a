package goflow.impl.internal;

/**
 * A runnable handed to one of goflow's own executors that wants to know when the executor will
 * never run it: a {@code WorkerPool} shut down with {@code shutdownNow()} while the runnable is
 * still queued calls {@link #dropped} (an executor that drops a runnable gives no other sign, and a
 * caller waiting for it would wait for ever). Lets such a caller use the executor's plain
 * {@code execute} path, with no per-task future.
 */
public interface Droppable extends Runnable {

    /**
     * Called once, instead of {@link #run()}, when the executor will never run this. Must not
     * block; a throw is logged and ignored.
     *
     * @param why why it is not run (the executor's cancellation)
     */
    void dropped(Throwable why);
}
