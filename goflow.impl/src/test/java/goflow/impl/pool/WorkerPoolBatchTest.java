package goflow.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import goflow.api.pool.QueueFullPolicy;
import goflow.api.pool.RejectedException;
import goflow.api.pool.Task;
import goflow.api.pool.TaskResult;
import goflow.api.pool.TaskResult.Outcome;
import goflow.api.pool.WorkerPool;
import goflow.impl.GoFlowImpl;
import goflow.impl.pool.WorkerPoolTest.Gate;
import goflow.impl.testing.Async;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/**
 * Batches: when the queue is long, a worker takes its fair share of it in one acquisition of the
 * lock (at most 4 tasks while the workers are more than the processors). The first tests set up the
 * same scene, with two workers (as many as the processors on the machines this runs on, so batches
 * of up to 16) and with two more workers than processors (short batches): every worker held at a
 * gate while a long task and many short ones are queued, then one worker released; it takes the
 * long task and a batch of short ones behind it. What must hold whether or not a batch was taken: no
 * short task waits behind the long one while another worker is free; shutdownNow returns the short
 * tasks that never started, batched or not; and the capacity counts them as queued.
 */
class WorkerPoolBatchTest extends NoThreadLeaks.LeakCheckedTest {
    private static final int SHORT_TASKS = 200;
    private final GoFlowImpl goflow = new GoFlowImpl();

    @AfterEach
    void closeGoFlow() {
        goflow.close();
    }

    /** The scenes' worker counts: two, and more than the processors (short batches). */
    static int[] workerCounts() {
        return new int[] {2, Runtime.getRuntime().availableProcessors() + 2};
    }

    /** Every worker of the pool held at its own gate; the gates in the order the tasks were submitted. */
    private static Gate[] holdEveryWorker(WorkerPool pool, int workers) throws InterruptedException {
        Gate[] gates = new Gate[workers];
        for (int i = 0; i < workers; i++) {
            gates[i] = new Gate();
            pool.submit(gates[i].task(null));
        }
        for (Gate g : gates) {
            g.awaitStarted();
        }
        return gates;
    }

    /** Releases every gate but the first. */
    private static void releaseTheOthers(Gate[] gates) {
        for (int i = 1; i < gates.length; i++) {
            gates[i].release.countDown();
        }
    }

    @Test
    void batchesAreAFairShareOfALongQueueAndShortAboveTheProcessors() {
        // workers no more than the processors: half the queue divided among them, at most 15 more
        assertEquals(15, WorkerPoolImpl.batchExtra(1000, 2, 2));
        assertEquals(5, WorkerPoolImpl.batchExtra(20, 2, 2));
        assertEquals(0, WorkerPoolImpl.batchExtra(3, 2, 2), "a short queue is not batched");
        assertEquals(15, WorkerPoolImpl.batchExtra(1000, 8, 8));
        // more workers than processors: at most 3 more (a worker that is not running holds little)
        assertEquals(WorkerPoolImpl.BATCH_ABOVE_PROCESSORS - 1, WorkerPoolImpl.batchExtra(1000, 8, 2));
        assertEquals(3, WorkerPoolImpl.batchExtra(1000, 3, 2));
        assertEquals(1, WorkerPoolImpl.batchExtra(16, 8, 2), "still a fair share of the queue");
        assertEquals(0, WorkerPoolImpl.batchExtra(15, 8, 2));
    }

    @ParameterizedTest(name = "{0} workers")
    @MethodSource("workerCounts")
    void noShortTaskWaitsBehindALongOneWhileAnotherWorkerIsFree(int workers) throws Exception {
        WorkerPool pool = goflow.workerPool().name("batch-long-task").workers(workers).queueCapacity(1000).build();
        Gate[] gates = holdEveryWorker(pool, workers);
        LongTask longTask = new LongTask();
        pool.execute(longTask);
        AtomicInteger shortRuns = new AtomicInteger();
        try {
            for (int i = 0; i < SHORT_TASKS; i++) {
                pool.execute(shortRuns::incrementAndGet);
            }
            gates[0].release.countDown(); // this worker takes the long task, and a batch behind it
            longTask.awaitStarted();
            releaseTheOthers(gates);
            // The other workers drain the queue, then take back what waits behind the long task.
            Eventually.await().atMost(java.time.Duration.ofSeconds(10))
                    .untilAsserted(() -> assertEquals(SHORT_TASKS, shortRuns.get(), "short tasks run: " + pool.stats()));
            // A released gate's worker may finish its gate task after the others ran every short one.
            Eventually.await().atMost(java.time.Duration.ofSeconds(10))
                    .untilAsserted(() -> assertEquals(1, pool.stats().busy(), "only the long task runs: " + pool.stats()));
        } finally {
            release(gates);
            longTask.release.countDown();
            pool.close();
        }
        assertEquals(SHORT_TASKS, shortRuns.get());
    }

    @ParameterizedTest(name = "{0} workers")
    @MethodSource("workerCounts")
    void shutdownNowReturnsTheShortTasksNoWorkerStarted(int workers) throws Exception {
        WorkerPool pool = goflow.workerPool().name("batch-shutdown-now").workers(workers).queueCapacity(1000).build();
        Gate[] gates = holdEveryWorker(pool, workers);
        CountDownLatch longStarted = new CountDownLatch(1);
        CompletableFuture<TaskResult<Void>> longTask = pool.submit(ctx -> {
            longStarted.countDown();
            new CountDownLatch(1).await(); // until interrupted
            return null;
        });
        AtomicInteger shortRuns = new AtomicInteger();
        for (int i = 0; i < SHORT_TASKS; i++) {
            pool.execute(shortRuns::incrementAndGet);
        }
        gates[0].release.countDown();
        assertTrue(longStarted.await(10, TimeUnit.SECONDS));
        // The other workers are still held: nothing short has started, batched or queued.
        List<Task<?>> unstarted;
        try {
            unstarted = pool.shutdownNow();
        } finally {
            release(gates);
        }
        assertEquals(SHORT_TASKS, unstarted.size(), "every short task comes back, the batched ones too");
        assertEquals(Outcome.CANCELLED, longTask.get(10, TimeUnit.SECONDS).outcome(), "the long task is interrupted");
        assertTrue(pool.awaitTermination(java.time.Duration.ofSeconds(10)), "terminated: " + pool.stats());
        assertEquals(0, shortRuns.get(), "no short task ran after shutdownNow");
        assertEquals(0, pool.stats().queued());
    }

    @ParameterizedTest(name = "{0} workers")
    @MethodSource("workerCounts")
    void theCapacityCountsTheTasksWaitingInABatch(int workers) throws Exception {
        // At least the workers: every gate may wait in the queue before its worker is idle, and a
        // rejected gate would leave the gates submitted before it held, and close() waiting on them
        // (processors + 2 workers reach 40 on a 38-processor machine)
        int capacity = Math.max(40, workers);
        WorkerPool pool = goflow.workerPool().name("batch-capacity").workers(workers).queueCapacity(capacity)
                .onQueueFull(QueueFullPolicy.REJECT).build();
        Gate[] gates = holdEveryWorker(pool, workers);
        LongTask longTask = new LongTask();
        pool.execute(longTask);
        AtomicInteger shortRuns = new AtomicInteger();
        try {
            for (int i = 0; i < capacity - 2; i++) {
                pool.execute(shortRuns::incrementAndGet);
            }
            gates[0].release.countDown(); // takes the long task and a batch of short ones behind it
            longTask.awaitStarted();
            assertEquals(capacity - 2, pool.stats().queued(), "not started, batched or not: " + pool.stats());
            pool.execute(shortRuns::incrementAndGet);
            pool.execute(shortRuns::incrementAndGet);
            RejectedException full = assertThrows(RejectedException.class,
                    () -> pool.execute(shortRuns::incrementAndGet), "queue full at " + pool.stats());
            assertEquals(RejectedException.Reason.QUEUE_FULL, full.reason());
            assertEquals(capacity, pool.stats().queued());
        } finally {
            release(gates);
            longTask.release.countDown();
            pool.close();
        }
        assertEquals(capacity, shortRuns.get());
    }

    @Test
    void aBlockedSubmitterIsWokenWhenTheBatchDrainsTheQueueToHalf() throws Exception {
        // One worker, capacity 4: submitters blocked on a full queue are woken once it holds 2.
        WorkerPool pool = goflow.workerPool().name("batch-wakes-submitter").workers(1).queueCapacity(4)
                .onQueueFull(QueueFullPolicy.BLOCK).build();
        Gate gate = new Gate();
        pool.submit(gate.task(null));
        gate.awaitStarted();
        LongTask longTask = new LongTask();
        AtomicInteger shortRuns = new AtomicInteger();
        Thread submitter = new Thread(() -> pool.execute(shortRuns::incrementAndGet), "blocked-submitter");
        try {
            pool.execute(shortRuns::incrementAndGet);
            pool.execute(longTask);
            pool.execute(shortRuns::incrementAndGet);
            pool.execute(shortRuns::incrementAndGet);
            submitter.start();
            Eventually.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> submitter.getState() == Thread.State.WAITING);
            // The worker takes the short task and the long one behind it in a batch, leaving 2
            // queued; it starts the long task from its batch, without the lock.
            gate.release.countDown();
            longTask.awaitStarted();
            submitter.join(10_000);
            assertEquals(Thread.State.TERMINATED, submitter.getState(),
                    "the submitter is still blocked with the queue at half its capacity: " + pool.stats());
        } finally {
            gate.release.countDown();
            longTask.release.countDown();
            submitter.join(10_000);
            pool.close();
        }
        assertEquals(4, shortRuns.get());
    }

    @Test
    void aTaskCancelledInABatchFreesItsPlaceInTheQueue() throws Exception {
        WorkerPool pool = goflow.workerPool().name("batch-cancelled").workers(1).queueCapacity(4)
                .onQueueFull(QueueFullPolicy.REJECT).build();
        Gate gate = new Gate();
        pool.submit(gate.task(null));
        gate.awaitStarted();
        LongTask longTask = new LongTask();
        AtomicInteger shortRuns = new AtomicInteger();
        try {
            pool.execute(longTask);
            CompletableFuture<TaskResult<Integer>> cancelled = pool.submit(ctx -> shortRuns.incrementAndGet());
            pool.execute(shortRuns::incrementAndGet);
            pool.execute(shortRuns::incrementAndGet);
            gate.release.countDown(); // the worker takes the long task, and the one to cancel in a batch behind it
            longTask.awaitStarted();
            assertTrue(cancelled.cancel(false));
            assertEquals(2, pool.stats().queued(), "the cancelled task no longer waits: " + pool.stats());
            pool.execute(shortRuns::incrementAndGet);
            pool.execute(shortRuns::incrementAndGet); // the cancelled task's place
            assertEquals(4, pool.stats().queued());
        } finally {
            gate.release.countDown();
            longTask.release.countDown();
            pool.close();
        }
        assertEquals(4, shortRuns.get(), "the cancelled task never ran");
        assertEquals(pool.stats().submitted(), pool.stats().completed(), "every task counted once: " + pool.stats());
    }

    private static void release(Gate[] gates) {
        for (Gate g : gates) {
            g.release.countDown();
        }
    }

    /** A runnable that runs until released, ignoring interrupts (a long task that holds its worker). */
    private static final class LongTask implements Runnable {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void run() {
            started.countDown();
            Async.awaitIgnoringInterrupts(release);
        }

        void awaitStarted() throws InterruptedException {
            assertTrue(started.await(10, TimeUnit.SECONDS), "the long task did not start");
        }
    }
}
