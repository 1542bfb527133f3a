package goflow.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.pool.QueueFullPolicy;
import goflow.api.pool.RejectedException;
import goflow.api.pool.TaskResult;
import goflow.api.pool.WorkerPool;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.FailingClock;
import goflow.impl.testing.NoThreadLeaks;

/** Edges of the worker pool a ThreadPoolExecutor user relies on: resizing, hand-off, statistics. */
class PoolEdgeReviewTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlowImpl goflow = new GoFlowImpl();

    @AfterEach
    void closeGoFlow() {
        goflow.close();
    }

    private static List<Thread> workerThreads(WorkerPool pool) {
        String prefix = "goflow-worker-pool-" + pool.name() + "-";
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).collect(Collectors.toList());
    }

    /**
     * Whether a worker waits for work: parked in a condition's await, not on the lock (WAITING too, for
     * a worker just started and still acquiring it, which the pool does not count idle yet).
     */
    private static boolean idleInTake(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        return t.getState() == Thread.State.WAITING && java.util.Arrays.stream(stack).anyMatch(e -> e.getMethodName()
                .equals("await") && e.getClassName().endsWith("ConditionObject")) && java.util.Arrays.stream(stack)
                .noneMatch(e -> e.getMethodName().startsWith("acquire") || e.getMethodName().equals("lock"));
    }

    /**
     * A hand-off pool (capacity 0) accepts a task only for an idle worker. Right after a shrink,
     * the idle workers that are about to retire as surplus must not count as idle: a task handed
     * to one of them would wait in the queue (of capacity 0) behind the busy remaining worker.
     */
    @Test
    void aHandOffPoolShrunkWhileIdleQueuesNoTaskForRetiringWorkers() throws Exception {
        for (int round = 0; round < 20; round++) {
            CountDownLatch release = new CountDownLatch(1);
            try (WorkerPool pool = goflow.workerPool().workers(4).queueCapacity(0)
                    .onQueueFull(QueueFullPolicy.REJECT).build()) {
              try {
                Eventually.until(() -> workerThreads(pool).size() == 4
                        && workerThreads(pool).stream().allMatch(PoolEdgeReviewTest::idleInTake));
                pool.setWorkers(1);
                int accepted = 0;
                try {
                    for (int i = 0; i < 4; i++) {
                        pool.execute(() -> {
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
                        accepted++;
                    }
                } catch (RejectedException e) {
                    // no idle worker left for it: what a hand-off pool does
                }
                int acceptedTasks = accepted;
                Eventually.until(() -> workerThreads(pool).size() == 1 && pool.stats().busy() == 1);
                assertEquals(0, pool.stats().queued(), "round " + round + ": " + acceptedTasks
                        + " tasks accepted by a hand-off pool shrunk to 1 worker: " + pool.stats());
              } finally {
                release.countDown(); // before close() waits for the tasks
              }
            }
        }
    }

    /** After a shrink, a blocked hand-off submitter still gets the worker that stays, once it is idle. */
    @Test
    void aBlockedHandOffSubmitterAfterAShrinkGetsTheRemainingWorker() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (WorkerPool pool = goflow.workerPool().workers(3).queueCapacity(0).build()) {
            try {
                Eventually.until(() -> workerThreads(pool).size() == 3
                        && workerThreads(pool).stream().allMatch(PoolEdgeReviewTest::idleInTake));
                pool.setWorkers(1);
                CompletableFuture<TaskResult<Object>> first = pool.submit(ctx -> {
                    release.await();
                    return null;
                });
                CompletableFuture<CompletableFuture<TaskResult<String>>> second =
                        CompletableFuture.supplyAsync(() -> pool.submit(ctx -> "second"));
                Eventually.until(() -> workerThreads(pool).size() == 1 && pool.stats().busy() == 1);
                assertEquals(0, pool.stats().queued());
                release.countDown();
                assertTrue(first.get(30, TimeUnit.SECONDS).succeeded());
                assertEquals("second", second.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS).valueOrThrow());
            } finally {
                release.countDown();
            }
        }
    }

    /**
     * awaitTermination(timeout) also waits for the worker threads to end, but no longer than the
     * timeout: the last worker completes termination(), so it runs that future's callbacks, which
     * may take as long as they like (or wait for the thread that awaits).
     */
    @Test
    void awaitTerminationIsBoundedWhileTheLastWorkerRunsATerminationCallback() throws Exception {
        ManualClock clock = new ManualClock();
        WorkerPool pool = goflow.workerPool().workers(1).clock(clock).build();
        CountDownLatch inCallback = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            pool.termination().thenRun(() -> {
                inCallback.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            pool.submit(ctx -> {
                running.countDown();
                finish.await();
                return null;
            });
            assertTrue(running.await(30, TimeUnit.SECONDS));
            pool.shutdown();
            finish.countDown(); // the worker retires, terminates the pool and runs the callback
            assertTrue(inCallback.await(30, TimeUnit.SECONDS));
            assertTrue(pool.isTerminated());
            assertFalse(awaitAsync(pool, Duration.ZERO).get(30, TimeUnit.SECONDS), "a pool thread is still alive");
            CompletableFuture<Boolean> waiting = awaitAsync(pool, Duration.ofSeconds(5));
            Eventually.until(() -> {
                clock.advance(Duration.ofSeconds(1));
                return waiting.isDone();
            });
            assertFalse(waiting.get(), "timed out: the last worker still runs the callback");
        } finally {
            release.countDown();
        }
        assertTrue(pool.awaitTermination(Duration.ofDays(1)));
        assertTrue(pool.awaitTermination(Duration.ZERO));
    }

    private static CompletableFuture<Boolean> awaitAsync(WorkerPool pool, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return pool.awaitTermination(timeout);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * A worker survives a failing clock (the pool's clock is user code) not only around a task but
     * also in take, which reads it when it looks at another worker's batch: a worker that died
     * there stayed counted, its queued tasks never ran and the pool never terminated.
     */
    @Test
    void aClockThatThrowsWhileAWorkerTakesABatchKillsNoWorker() throws Exception {
        FailingClock clock = new FailingClock();
        AtomicBoolean failing = clock.failing;
        GoFlowImpl own = new GoFlowImpl();
        WorkerPool pool = own.workerPool().workers(2).measureTaskTimes(false).clock(clock).build();
        CountDownLatch release = new CountDownLatch(1);
        try {
            CountDownLatch running = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                pool.execute(() -> {
                    running.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertTrue(running.await(30, TimeUnit.SECONDS));
            AtomicInteger ran = new AtomicInteger();
            for (int i = 0; i < 40; i++) {
                pool.execute(ran::incrementAndGet);
            }
            failing.set(true);
            release.countDown();
            Eventually.until(() -> ran.get() == 40);
            failing.set(false);
            assertEquals(2, workerThreads(pool).size(), "both workers alive");
            pool.shutdown();
            assertTrue(pool.awaitTermination(Duration.ofSeconds(30)), pool.stats().toString());
            assertEquals(42, pool.stats().completed());
        } finally {
            failing.set(false);
            release.countDown();
            pool.shutdownNow();
            if (pool.awaitTermination(Duration.ofSeconds(10))) {
                own.close();
            }
        }
    }

    /**
     * "Surplus workers stop after the task they are running": also a surplus worker that holds a
     * batch of tasks taken from a long queue. Before, it ran its whole batch first, so after a
     * shrink more tasks than the new number of workers went on starting at once.
     */
    @Test
    void aShrinkStopsSurplusWorkersAfterTheirCurrentTaskEvenWithABatch() throws Exception {
        try (WorkerPool pool = goflow.workerPool().workers(2).build()) {
            CountDownLatch gatesRunning = new CountDownLatch(2);
            CountDownLatch openGates = new CountDownLatch(1);
            for (int i = 0; i < 2; i++) {
                pool.execute(() -> {
                    gatesRunning.countDown();
                    awaitQuietly(openGates);
                });
            }
            assertTrue(gatesRunning.await(30, TimeUnit.SECONDS));
            CountDownLatch go = new CountDownLatch(1);
            CountDownLatch twoRunning = new CountDownLatch(2);
            AtomicBoolean shrunk = new AtomicBoolean();
            Set<String> startedAfterShrink = ConcurrentHashMap.newKeySet();
            AtomicInteger done = new AtomicInteger();
            int n = 40;
            for (int i = 0; i < n; i++) {
                pool.execute(() -> {
                    if (shrunk.get()) {
                        startedAfterShrink.add(Thread.currentThread().getName());
                    }
                    twoRunning.countDown();
                    awaitQuietly(go);
                    done.incrementAndGet();
                });
            }
            openGates.countDown(); // each worker takes a task and a batch behind it
            assertTrue(twoRunning.await(30, TimeUnit.SECONDS));
            pool.setWorkers(1);
            shrunk.set(true);
            go.countDown();
            Eventually.until(() -> done.get() == n);
            assertEquals(1, startedAfterShrink.size(), "threads that started tasks after the shrink to 1 worker: "
                    + startedAfterShrink);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
