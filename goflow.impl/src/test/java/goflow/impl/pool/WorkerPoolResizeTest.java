package goflow.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.InvalidConfigException;
import goflow.api.pool.TaskResult;
import goflow.api.pool.WorkerPool;
import goflow.api.pool.WorkerPoolBuilder;
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
    void invalidSizeIsRejectedNamingThePool() {
        try (WorkerPool pool = goflow.workerPool().name("demo-workers").workers(2).build()) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> pool.setWorkers(0));
            assertEquals("worker-pool 'demo-workers': invalid workers=0 (must be positive) - the number of threads "
                    + "running tasks", e.getMessage());
            assertEquals(2, pool.workers());
        }
    }

    /** A thread factory that creates {@code allowed} threads, then throws what {@code failure} makes. */
    private static final class FailingFactory implements ThreadFactory {
        final AtomicInteger created = new AtomicInteger();
        private final int allowed;
        private final Supplier<? extends Throwable> failure;

        FailingFactory(int allowed, Supplier<? extends Throwable> failure) {
            this.allowed = allowed;
            this.failure = failure;
        }

        @Override
        public Thread newThread(Runnable r) {
            if (created.get() >= allowed) {
                Throwable t = failure.get();
                if (t instanceof Error) {
                    throw (Error) t;
                }
                throw (RuntimeException) t;
            }
            created.incrementAndGet();
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        }
    }

    @Test
    void aThreadTheFactoryStartedItselfNeverRunsAsAWorker() throws Exception {
        // The factory's second thread is started by the factory, running the worker: the pool
        // cannot start it, so that worker must not run as a ghost outside the pool's count.
        AtomicInteger created = new AtomicInteger();
        ThreadFactory startsItsOwn = r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            if (created.incrementAndGet() == 2) {
                t.start();
            }
            return t;
        };
        try (WorkerPool pool = goflow.workerPool().name("ghost").workers(1).threadFactory(startsItsOwn).build()) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> pool.setWorkers(2));
            assertTrue(e.getMessage().contains("IllegalThreadStateException"), e.getMessage());
            assertEquals(1, pool.workers());
            Eventually.until(() -> poolThreads("ghost").size() == 1);
            assertEquals(7, pool.submit(ctx -> 7).get(10, TimeUnit.SECONDS).value());
        }
        assertEquals(List.of(), poolThreads("ghost"));
    }

    private static List<Thread> poolThreads(String name) {
        List<Thread> list = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("goflow-worker-pool-" + name + "-")) {
                list.add(t);
            }
        }
        return list;
    }

    @Test
    void resizeAboveTheDefaultMaximumIsRejectedBeforeAnyThreadStarts() {
        // the factory refuses beyond 50 threads, so that the old code fails here instead of
        // creating 100 000 threads on a shared machine
        FailingFactory factory = new FailingFactory(50, () -> new IllegalStateException("test: too many threads"));
        try (WorkerPool pool = goflow.workerPool().name("demo-workers").workers(2).threadFactory(factory).build()) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> pool.setWorkers(100_000));
            assertEquals("worker-pool 'demo-workers': invalid workers=100000 (must be at most maxWorkers=10000) - "
                    + "set a higher maxWorkers when building the pool if this many threads are really wanted",
                    e.getMessage());
            assertEquals("workers", e.field());
            assertEquals(100_000, e.value());
            assertEquals(2, factory.created.get(), "no thread was started");
            assertEquals(2, pool.workers());
            assertEquals(WorkerPoolBuilder.DEFAULT_MAX_WORKERS, pool.maxWorkers());
        }
    }

    @Test
    void resizeAboveAConfiguredMaximumIsRejectedAndUpToItAccepted() throws Exception {
        try (WorkerPool pool = goflow.workerPool().name("small").workers(1).maxWorkers(3).build()) {
            assertEquals(3, pool.maxWorkers());
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> pool.setWorkers(4));
            assertEquals("worker-pool 'small': invalid workers=4 (must be at most maxWorkers=3) - set a higher "
                    + "maxWorkers when building the pool if this many threads are really wanted", e.getMessage());
            assertEquals(1, pool.workers());
            pool.setWorkers(3);
            Eventually.until(() -> liveThreads(pool) == 3);
            assertEquals(3, pool.workers());
        }
    }

    @Test
    void aResizeThatCannotStartItsThreadsIsRolledBack() throws Exception {
        FailingFactory factory = new FailingFactory(4, () -> new OutOfMemoryError("unable to create native thread"));
        try (WorkerPool pool = goflow.workerPool().name("rollback").workers(2).threadFactory(factory).build()) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> pool.setWorkers(6));
            assertEquals("worker-pool 'rollback': invalid workers=6 (could not start the threads: new worker 3 of 4 "
                    + "failed with java.lang.OutOfMemoryError: unable to create native thread; the pool keeps its 2 "
                    + "workers) - the system refuses more threads: lower the number, or raise the limit on threads",
                    e.getMessage());
            assertEquals("workers", e.field());
            assertTrue(e.getCause() instanceof OutOfMemoryError, String.valueOf(e.getCause()));
            assertEquals(2, pool.workers(), "workers() reports what runs");
            assertEquals(2, pool.stats().workers());
            Eventually.until(() -> liveThreads(pool) == 2);
            // the pool still works with its two workers
            CountDownLatch both = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            List<CompletableFuture<TaskResult<Object>>> futures = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                futures.add(pool.submit(ctx -> {
                    both.countDown();
                    release.await();
                    return null;
                }));
            }
            assertTrue(both.await(10, TimeUnit.SECONDS));
            release.countDown();
            for (CompletableFuture<TaskResult<Object>> f : futures) {
                assertTrue(f.get(10, TimeUnit.SECONDS).succeeded());
            }
        }
    }

    @Test
    void aResizeWhoseFactoryThrowsIsRolledBackWithTheCause() throws Exception {
        FailingFactory factory = new FailingFactory(3, () -> new IllegalStateException("quota"));
        try (WorkerPool pool = goflow.workerPool().name("quota").workers(1).threadFactory(factory).build()) {
            pool.setWorkers(2);
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> pool.setWorkers(5));
            assertTrue(e.getMessage().startsWith("worker-pool 'quota': invalid workers=5 (could not start the "
                    + "threads: new worker 2 of 3 failed with java.lang.IllegalStateException: quota; the pool keeps "
                    + "its 2 workers)"), e.getMessage());
            assertEquals("quota", e.getCause().getMessage());
            assertEquals(2, pool.workers());
            Eventually.until(() -> liveThreads(pool) == 2);
        }
    }
}
