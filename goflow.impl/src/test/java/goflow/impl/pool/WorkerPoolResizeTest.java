package goflow.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.InvalidConfigException;
import goflow.api.pool.TaskResult;
import goflow.api.pool.WorkerPool;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

class WorkerPoolResizeTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlowImpl goflow = new GoFlowImpl();

    @AfterEach
    void closeGoFlow() {
        goflow.close();
    }

    private static long liveThreads(WorkerPool pool) {
        String prefix = "goflow-worker-pool-" + pool.name() + "-";
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    @Test
    void growingStartsWorkersForQueuedTasks() throws Exception {
        try (WorkerPool pool = goflow.workerPool().workers(1).build()) {
            CountDownLatch started = new CountDownLatch(3);
            CountDownLatch release = new CountDownLatch(1);
            List<CompletableFuture<TaskResult<Object>>> futures = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                futures.add(pool.submit(ctx -> {
                    started.countDown();
                    release.await();
                    return null;
                }));
            }
            Eventually.until(() -> started.getCount() == 2);
            assertEquals(2, pool.stats().queued());
            pool.setWorkers(3);
            assertEquals(3, pool.workers());
            assertTrue(started.await(10, TimeUnit.SECONDS), "the new workers took the queued tasks");
            Eventually.until(() -> pool.stats().busy() == 3);
            assertEquals(3, liveThreads(pool));
            release.countDown();
            for (CompletableFuture<TaskResult<Object>> f : futures) {
                assertTrue(f.get(10, TimeUnit.SECONDS).succeeded());
            }
        }
    }

    @Test
    void shrinkingRetiresSurplusWorkersAfterTheirTask() throws Exception {
        try (WorkerPool pool = goflow.workerPool().workers(4).build()) {
            CountDownLatch started = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            for (int i = 0; i < 2; i++) {
                pool.submit(ctx -> {
                    started.countDown();
                    release.await();
                    return null;
                });
            }
            assertTrue(started.await(10, TimeUnit.SECONDS));
            pool.setWorkers(1);
            assertEquals(1, pool.workers());
            // the two idle workers retire at once; the busy ones finish their task first
            Eventually.until(() -> liveThreads(pool) == 2);
            release.countDown();
            Eventually.until(() -> liveThreads(pool) == 1);
            // one worker left: tasks still run, one at a time
            CountDownLatch second = new CountDownLatch(1);
            CountDownLatch releaseSecond = new CountDownLatch(1);
            pool.submit(ctx -> {
                second.countDown();
                releaseSecond.await();
                return null;
            });
            assertTrue(second.await(10, TimeUnit.SECONDS));
            CompletableFuture<TaskResult<Integer>> queued = pool.submit(ctx -> 42);
            Eventually.until(() -> pool.stats().queued() == 1 && pool.stats().busy() == 1);
            releaseSecond.countDown();
            assertEquals(42, queued.get(10, TimeUnit.SECONDS).valueOrThrow());
            assertEquals(1, pool.stats().workers());
        }
    }

    @Test
    void resizeUpAndDownRepeatedlyKeepsExactlyTheTarget() throws Exception {
        try (WorkerPool pool = goflow.workerPool().workers(2).build()) {
            for (int n : new int[] {5, 1, 3, 3, 8, 2}) {
                pool.setWorkers(n);
                Eventually.until(() -> liveThreads(pool) == n);
                assertEquals(n, pool.stats().workers());
            }
            // worker ids keep growing: no two live workers share one
            assertTrue(pool.submit(ctx -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS)
                    .valueOrThrow().startsWith("goflow-worker-pool-" + pool.name() + "-"));
        }
    }

    @Test
    void invalidSizeIsRejected() {
        try (WorkerPool pool = goflow.workerPool().workers(2).build()) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> pool.setWorkers(0));
            assertEquals("worker-pool: invalid workers=0 (must be positive) - the number of threads running tasks",
                    e.getMessage());
            assertEquals(2, pool.workers());
        }
    }
}
