package goflow.impl.osgi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import goflow.api.Primitive;
import goflow.api.pool.WorkerPool;
import goflow.impl.GoFlowImpl;

/**
 * Closes a {@link GoFlowImpl} within a bounded time, for bundle stops and deleted configurations:
 * the primitives that feed pools (schedulers, pipelines, channels, writers) are closed first; then
 * every worker pool is shut down (accepted tasks complete) and given a shared grace period;
 * pools still busy after it are stopped with {@code shutdownNow()} (their running tasks' contexts
 * are cancelled and their threads interrupted); then everything is closed. A framework stop thus
 * never waits forever on a task.
 *
 * <p>Stateless and thread-safe.
 */
final class BoundedClose {
    /** How long accepted tasks get to complete when a bundle stops or a configuration is deleted. */
    static final Duration GRACE = Duration.ofSeconds(10);
    private static final System.Logger LOG = System.getLogger(BoundedClose.class.getName());

    private BoundedClose() {
    }

    static void close(GoFlowImpl goflow, Duration grace) {
        // Users of pools first (schedulers, pipelines, channels, writers: kinds after the pool),
        // in reverse kind order as GoFlow.close() does, so they stop feeding the pools.
        List<Primitive> live = goflow.registry().primitives();
        for (int i = live.size() - 1; i >= 0; i--) {
            Primitive p = live.get(i);
            if (p.kind().compareTo(Primitive.Kind.WORKER_POOL) > 0) {
                p.close();
            }
        }
        List<WorkerPool> pools = new ArrayList<>();
        for (Primitive p : goflow.registry().primitives()) {
            if (p instanceof WorkerPool) {
                WorkerPool pool = (WorkerPool) p;
                pool.shutdown();
                pools.add(pool);
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        boolean interrupted = false;
        for (WorkerPool pool : pools) {
            try {
                pool.termination().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                LOG.log(System.Logger.Level.WARNING, "worker pool '" + pool.name() + "' of " + goflow
                        + " still busy after " + grace + ": cancelling its running tasks");
                pool.shutdownNow();
            } catch (InterruptedException e) {
                interrupted = true;
                pool.shutdownNow();
            } catch (ExecutionException e) {
                throw new AssertionError(e); // termination never completes exceptionally
            }
        }
        goflow.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
