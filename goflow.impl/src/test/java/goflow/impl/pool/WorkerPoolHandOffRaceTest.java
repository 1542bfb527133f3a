package goflow.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.context.Context;
import goflow.api.pool.PoolStats;
import goflow.api.pool.QueueFullPolicy;
import goflow.api.pool.RejectedException;
import goflow.api.pool.Task;
import goflow.api.pool.TaskResult;
import goflow.api.pool.TaskResult.Outcome;
import goflow.api.pool.WorkerPool;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;
import goflow.impl.testing.Stress;

/**
 * The hand-off between submitters and workers under randomized races: idle workers parked on the
 * idle stack and woken one at a time (a submit wakes a worker only when none is on its way, the
 * woken worker passes the wake-up on when it finds more work), the one worker that spins for work
 * before parking, surplus workers retiring while work is queued, bursts separated by pauses (so
 * that workers go idle and must be woken again), capacity 0 to 1000, execute and submit mixed,
 * futures cancelled while queued, resizes, and a draining or immediate shutdown racing the
 * submitters. Each round checks:
 *
 * <ul>
 *   <li>no lost wake-up: once the submitters are done, every accepted task gets its result within
 *       a generous time although no new submit comes to wake anybody;
 *   <li>nothing lost or doubled: every accepted task has exactly one result (run, or cancelled
 *       while queued or by shutdownNow), every executed runnable runs at most once and exactly once
 *       unless cancelled, a submitted task's value is its own;
 *   <li>the statistics add up once terminated ({@code submitted == completed}, nothing queued).
 * </ul>
 *
 * The short variant runs in the normal build; the long one is tagged {@link Stress}.
 */
class WorkerPoolHandOffRaceTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlowImpl goflow = new GoFlowImpl();

    @AfterEach
    void closeGoFlow() {
        goflow.close();
    }

    @Test
    void handOffLosesNoWakeupAndNoTask() throws Exception {
        runRounds(Duration.ofMillis(1500), 40, 0x5eedL);
    }

    @Test
    @Stress
    void handOffLosesNoWakeupAndNoTaskOverManyRounds() throws Exception {
        runRounds(Duration.ofSeconds(6), 100_000, System.nanoTime());
    }

    /** Runs rounds until {@code duration} has passed or {@code maxRounds} were run (at least 10). */
    private void runRounds(Duration duration, int maxRounds, long seed) throws Exception {
        SplittableRandom seeds = new SplittableRandom(seed);
        long end = System.nanoTime() + duration.toNanos();
        int rounds = 0;
        while (rounds < maxRounds && (rounds < 10 || System.nanoTime() - end < 0)) {
            long roundSeed = seeds.nextLong();
            try {
                round(rounds, roundSeed);
            } catch (AssertionError | Exception e) {
                throw new AssertionError("round " + rounds + " (seed " + roundSeed + ") failed: " + e, e);
            }
            rounds++;
        }
    }

    private static final int[] CAPACITIES = {0, 1, 2, 16, 1000};
    private static final int MAX_ITEMS = 4000;

    private void round(int round, long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        int workers = 1 + rnd.nextInt(4);
        int capacity = CAPACITIES[rnd.nextInt(CAPACITIES.length)];
        // How the round ends: 0 drain everything first, 1 shutdown() racing the submitters,
        // 2 shutdownNow() racing them.
        int ending = rnd.nextInt(3);
        int submitters = 1 + rnd.nextInt(3);
        // Resizing wakes every idle worker, which would hide a lost wake-up: only in some rounds.
        boolean resize = rnd.nextInt(3) == 0;
        int perSubmitter = MAX_ITEMS / submitters;
        AtomicIntegerArray results = new AtomicIntegerArray(MAX_ITEMS);
        AtomicIntegerArray ran = new AtomicIntegerArray(MAX_ITEMS);
        AtomicIntegerArray accepted = new AtomicIntegerArray(MAX_ITEMS);
        AtomicIntegerArray cancelled = new AtomicIntegerArray(MAX_ITEMS);
        AtomicReference<String> problem = new AtomicReference<>();
        WorkerPool pool = goflow.workerPool().name("handoff-race-" + round).workers(workers).maxWorkers(4)
                .queueCapacity(capacity).onQueueFull(QueueFullPolicy.BLOCK)
                .resultListener((task, result) -> {
                    int id = Integer.parseInt(task.toString().substring(1));
                    if (results.incrementAndGet(id) != 1) {
                        problem.compareAndSet(null, "two results for " + task);
                    }
                    if (result.outcome() == Outcome.CANCELLED) {
                        cancelled.incrementAndGet(id);
                    } else if (result.outcome() != Outcome.SUCCEEDED) {
                        problem.compareAndSet(null, task + " ended " + result.outcome() + ": " + result.failure());
                    }
                }).build();
        ConcurrentLinkedQueue<CompletableFuture<TaskResult<Integer>>> futures = new ConcurrentLinkedQueue<>();
        AtomicReferenceArray<CompletableFuture<TaskResult<Integer>>> byId = new AtomicReferenceArray<>(MAX_ITEMS);
        List<Thread> threads = new ArrayList<>();
        AtomicInteger submittersLeft = new AtomicInteger(submitters);
        for (int s = 0; s < submitters; s++) {
            int first = s * perSubmitter;
            long threadSeed = rnd.nextLong();
            threads.add(new Thread(() -> {
                SplittableRandom r = new SplittableRandom(threadSeed);
                try {
                    for (int id = first; id < first + perSubmitter; id++) {
                        if (r.nextInt(64) == 0) {
                            // A pause: the workers drain the queue and park; the next submit must wake one.
                            LockSupport.parkNanos(r.nextInt(300_000));
                        }
                        int spinNanos = r.nextInt(4) == 0 ? r.nextInt(20_000) : 0;
                        if (r.nextBoolean()) {
                            pool.execute(new Item(id, spinNanos, ran));
                        } else {
                            CompletableFuture<TaskResult<Integer>> f = pool.submit(new Item(id, spinNanos, ran));
                            futures.add(f);
                            byId.set(id, f);
                        }
                        accepted.set(id, 1);
                    }
                } catch (RejectedException e) {
                    if (ending == 0 || e.reason() != RejectedException.Reason.SHUT_DOWN) {
                        problem.compareAndSet(null, "unexpected rejection: " + e);
                    }
                } finally {
                    submittersLeft.decrementAndGet();
                }
            }, "handoff-race-submitter-" + s));
        }
        Thread chaos = new Thread(() -> {
            SplittableRandom r = new SplittableRandom(seed ^ 0x9e3779b97f4a7c15L);
            while (submittersLeft.get() > 0) {
                int what = r.nextInt(8);
                try {
                    if (what == 0 && resize) {
                        pool.setWorkers(1 + r.nextInt(4)); // surplus workers retire, new ones start
                    } else if (what <= 2) {
                        CompletableFuture<TaskResult<Integer>> f = byId.get(r.nextInt(MAX_ITEMS));
                        if (f != null) {
                            f.cancel(r.nextBoolean());
                        }
                    }
                } catch (goflow.api.ClosedException e) {
                    return; // shut down by the round's ending
                }
                LockSupport.parkNanos(r.nextInt(200_000));
            }
        }, "handoff-race-chaos");
        threads.forEach(Thread::start);
        chaos.start();

        List<Task<?>> unstarted = List.of();
        if (ending != 0) {
            LockSupport.parkNanos(rnd.nextInt(3_000_000));
            if (ending == 1) {
                pool.shutdown();
            } else {
                unstarted = pool.shutdownNow();
            }
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(!t.isAlive(), t.getName() + " still blocked: " + pool.stats());
        }
        chaos.join(TimeUnit.SECONDS.toMillis(30));
        // No new submit wakes anybody from here on: every accepted task must still get its result.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int acceptedCount = count(accepted);
        while (count(results) < acceptedCount) {
            if (System.nanoTime() - deadline > 0) {
                fail("lost wake-up or lost task: " + count(results) + " results for " + acceptedCount
                        + " accepted tasks, " + pool.stats());
            }
            LockSupport.parkNanos(1_000_000);
        }
        if (ending == 0) {
            if (rnd.nextBoolean()) {
                pool.shutdown();
            } else {
                unstarted = pool.shutdownNow(); // nothing left to stop
            }
        }
        assertTrue(pool.awaitTermination(Duration.ofSeconds(30)), "not terminated: " + pool.stats());
        assertEquals(null, problem.get());

        for (int id = 0; id < MAX_ITEMS; id++) {
            if (accepted.get(id) == 1) {
                assertEquals(1, results.get(id), "results for accepted task " + id);
                assertEquals(1 - cancelled.get(id), ran.get(id), "runs of task " + id
                        + " (cancelled " + cancelled.get(id) + ")");
            } else {
                // refused by the shutdown (only the submitters' last attempt can be)
                assertEquals(0, ran.get(id), "runs of refused task " + id);
            }
        }
        for (CompletableFuture<TaskResult<Integer>> f : futures) {
            assertTrue(f.isDone(), "a future never completed");
            if (!f.isCancelled()) {
                TaskResult<Integer> r = f.join();
                assertTrue(r.outcome() == Outcome.SUCCEEDED || r.outcome() == Outcome.CANCELLED, r.toString());
            }
        }
        for (Task<?> t : unstarted) {
            int id = Integer.parseInt(t.toString().substring(1));
            assertEquals(0, ran.get(id), "task " + id + " returned by shutdownNow but ran");
            assertEquals(1, cancelled.get(id), "task " + id + " returned by shutdownNow without a CANCELLED result");
        }
        PoolStats stats = pool.stats();
        assertEquals(acceptedCount, stats.submitted(), "submitted: " + stats);
        assertEquals(stats.submitted(), stats.completed(), "submitted == completed: " + stats);
        assertEquals(0, stats.queued(), "queued: " + stats);
    }

    private static int count(AtomicIntegerArray a) {
        int n = 0;
        for (int i = 0; i < a.length(); i++) {
            n += a.get(i);
        }
        return n;
    }

    /** A task or runnable with an id (its toString, read back by the listener) that may spin a little. */
    private static final class Item implements Task<Integer>, Runnable {
        private final int id;
        private final int spinNanos;
        private final AtomicIntegerArray ran;

        Item(int id, int spinNanos, AtomicIntegerArray ran) {
            this.id = id;
            this.spinNanos = spinNanos;
            this.ran = ran;
        }

        @Override
        public void run() {
            ran.incrementAndGet(id);
            long until = System.nanoTime() + spinNanos;
            while (spinNanos > 0 && System.nanoTime() - until < 0) {
                Thread.onSpinWait();
            }
        }

        @Override
        public Integer run(Context ctx) {
            run();
            return id;
        }

        @Override
        public String toString() {
            return "i" + id;
        }
    }
}
