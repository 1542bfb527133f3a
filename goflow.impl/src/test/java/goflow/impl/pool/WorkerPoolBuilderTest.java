package goflow.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.InvalidConfigException;
import goflow.api.context.Context;
import goflow.api.pool.PoolStats;
import goflow.api.pool.QueueFullPolicy;
import goflow.api.pool.WorkerPool;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

class WorkerPoolBuilderTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlowImpl goflow = new GoFlowImpl();

    @AfterEach
    void closeGoFlow() {
        goflow.close();
    }

    private static void assertInvalid(String message, Runnable r) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, r::run);
        assertEquals(message, e.getMessage());
    }

    @Test
    void zeroOrNegativeWorkersAreRejected() {
        assertInvalid("worker-pool: invalid workers=0 (must be positive) - the number of threads running tasks",
                () -> goflow.workerPool().workers(0));
        assertInvalid("worker-pool: invalid workers=-3 (must be positive) - the number of threads running tasks",
                () -> goflow.workerPool().workers(-3));
    }

    @Test
    void negativeQueueIsRejectedAndZeroAccepted() {
        assertInvalid("worker-pool: invalid queueCapacity=-1 (must not be negative) - how many accepted tasks "
                + "may wait for a worker; 0 hands tasks only to idle workers",
                () -> goflow.workerPool().queueCapacity(-1));
        try (WorkerPool pool = goflow.workerPool().workers(1).queueCapacity(0).build()) {
            assertEquals(0, pool.queueCapacity());
        }
    }

    @Test
    void negativeOrNullTimeoutIsRejected() {
        assertInvalid("worker-pool: invalid taskTimeout=PT-1S (must not be negative) - the longest a task may run; "
                + "zero means no timeout", () -> goflow.workerPool().taskTimeout(Duration.ofSeconds(-1)));
        assertInvalid("worker-pool: invalid taskTimeout=null (must not be null)",
                () -> goflow.workerPool().taskTimeout(null));
    }

    @Test
    void nullTaskIsRejected() {
        try (WorkerPool pool = goflow.workerPool().workers(1).build()) {
            assertInvalid("worker-pool: invalid task=null (must not be null)", () -> pool.submit(null));
            assertInvalid("worker-pool: invalid task=null (must not be null)",
                    () -> pool.submit(Context.background(), null));
            assertInvalid("worker-pool: invalid command=null (must not be null)", () -> pool.execute(null));
            assertInvalid("worker-pool: invalid ctx=null (must not be null)", () -> pool.submit(null, ctx -> 1));
            assertEquals(0, pool.stats().submitted());
        }
    }

    @Test
    void otherNullsAreRejected() {
        assertInvalid("worker-pool: invalid onQueueFull=null (must not be null)",
                () -> goflow.workerPool().onQueueFull(null));
        assertInvalid("worker-pool: invalid threadFactory=null (must not be null)",
                () -> goflow.workerPool().threadFactory(null));
        assertInvalid("worker-pool: invalid resultListener=null (must not be null)",
                () -> goflow.workerPool().resultListener(null));
        assertInvalid("worker-pool: invalid clock=null (must not be null)", () -> goflow.workerPool().clock(null));
        assertInvalid("worker-pool: invalid name=\"a b\" (must not contain whitespace, control characters or any "
                + "of , = : \" * ?) - use letters, digits, '-', '_' and '.'", () -> goflow.workerPool().name("a b"));
    }

    @Test
    void eachSetterOnce() {
        assertInvalid("worker-pool: invalid workers=3 (was already set) - set each builder field once",
                () -> goflow.workerPool().workers(2).workers(3));
        assertInvalid("worker-pool: invalid onQueueFull=BLOCK (was already set) - set each builder field once",
                () -> goflow.workerPool().onQueueFull(QueueFullPolicy.REJECT).onQueueFull(QueueFullPolicy.BLOCK));
    }

    @Test
    void threadFactoryAndVirtualThreadsExcludeEachOther() {
        assertInvalid("worker-pool: invalid virtualThreads=true (cannot be combined with threadFactory) - set one "
                + "of them: a thread factory, or virtual threads",
                () -> goflow.workerPool().threadFactory(Thread::new).virtualThreads(true).build());
        assertTrue(goflow.registry().primitives().isEmpty());
    }

    @Test
    void defaultsAndRegistration() {
        WorkerPool pool = goflow.workerPool().build();
        PoolStats s = pool.stats();
        assertEquals(Runtime.getRuntime().availableProcessors(), s.workers());
        assertEquals(1024, s.queueCapacity());
        assertEquals(WorkerPool.State.RUNNING, s.state());
        assertTrue(pool.name().startsWith("worker-pool-"), pool.name());
        assertEquals(List.of(pool), goflow.registry().primitives());
        assertEquals(pool, goflow.registry().find(pool.name(), WorkerPool.class).orElseThrow());
        pool.close();
        assertTrue(goflow.registry().primitives().isEmpty());
    }

    @Test
    void duplicateNameStartsNoThread() {
        try (WorkerPool first = goflow.workerPool().name("p").workers(1).build()) {
            AtomicInteger created = new AtomicInteger();
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> goflow.workerPool().name("p").threadFactory(r -> {
                        created.incrementAndGet();
                        return new Thread(r);
                    }).build());
            assertEquals("name", e.field());
            assertEquals(0, created.get());
            assertEquals(1, goflow.registry().primitives().size());
            assertFalse(first.isShutdown());
        }
    }

    @Test
    void failingThreadFactoryLeavesNothing() {
        AtomicInteger created = new AtomicInteger();
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> goflow.workerPool().name("p")
                .workers(3).threadFactory(r -> {
                    if (created.incrementAndGet() == 3) {
                        throw new IllegalStateException("no more threads");
                    }
                    return new Thread(r);
                }).build());
        assertEquals("worker-pool 'p': invalid workers=3 (could not start the threads: new worker 3 of 3 failed "
                + "with java.lang.IllegalStateException: no more threads) - the system refuses more threads: lower "
                + "the number, or raise the limit on threads", e.getMessage());
        assertEquals("no more threads", e.getCause().getMessage());
        assertTrue(goflow.registry().primitives().isEmpty());
        // the two started workers stop: checked by the leak extension
    }

    @Test
    void anErrorFromTheThreadFactoryLeavesNothingEither() {
        AtomicInteger created = new AtomicInteger();
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> goflow.workerPool().workers(2)
                .threadFactory(r -> {
                    if (created.incrementAndGet() == 2) {
                        throw new OutOfMemoryError("unable to create native thread");
                    }
                    return new Thread(r);
                }).build());
        assertTrue(e.getCause() instanceof OutOfMemoryError);
        assertTrue(goflow.registry().primitives().isEmpty());
    }

    @Test
    void maxWorkersIsValidatedAndBoundsWorkers() {
        assertInvalid("worker-pool: invalid maxWorkers=0 (must be positive) - the most threads the pool may run, "
                + "also for setWorkers", () -> goflow.workerPool().maxWorkers(0));
        assertInvalid("worker-pool: invalid workers=5 (must be at most maxWorkers=4) - set a higher maxWorkers "
                + "if this many threads are really wanted", () -> goflow.workerPool().workers(5).maxWorkers(4).build());
        assertInvalid("worker-pool: invalid workers=10001 (must be at most maxWorkers=10000) - set a higher "
                + "maxWorkers if this many threads are really wanted", () -> goflow.workerPool().workers(10_001).build());
        InvalidConfigException twice = assertThrows(InvalidConfigException.class,
                () -> goflow.workerPool().maxWorkers(2).maxWorkers(3));
        assertTrue(twice.getMessage().contains("was already set"), twice.getMessage());
        assertTrue(goflow.registry().primitives().isEmpty());
        // without workers(n), the default (available processors) is capped by maxWorkers
        try (WorkerPool pool = goflow.workerPool().maxWorkers(1).build()) {
            assertEquals(1, pool.workers());
            assertEquals(1, pool.maxWorkers());
        }
        try (WorkerPool pool = goflow.workerPool().workers(4).maxWorkers(4).build()) {
            assertEquals(4, pool.workers());
        }
    }

    @Test
    void customThreadFactoryIsUsedAndThreadsNamed() throws Exception {
        AtomicInteger created = new AtomicInteger();
        try (WorkerPool pool = goflow.workerPool().name("custom").workers(2).threadFactory(r -> {
            created.incrementAndGet();
            Thread t = new Thread(r);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        }).build()) {
            assertEquals(2, created.get());
            assertEquals(Thread.MIN_PRIORITY,
                    (int) pool.submit(ctx -> Thread.currentThread().getPriority()).get().valueOrThrow());
            assertTrue(pool.submit(ctx -> Thread.currentThread().getName()).get().valueOrThrow()
                    .matches("goflow-worker-pool-custom-[01]"));
        }
    }
}
