/**
 * The worker pool: a fixed (but live-resizable) number of workers running {@link goflow.api.pool.Task}s
 * from a bounded FIFO queue, with per-task contexts and timeouts, a {@link goflow.api.pool.TaskResult}
 * for every accepted task, graceful and immediate shutdown, and statistics.
 *
 * <pre>{@code
 * try (WorkerPool pool = goflow.workerPool().name("io").workers(4).queueCapacity(100).build()) {
 *     CompletableFuture<TaskResult<String>> f = pool.submit(ctx -> fetch(ctx, url));
 *     String body = f.join().valueOrThrow();
 * }
 * }</pre>
 */
@Export
@Version("0.4.0")
package goflow.api.pool;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
