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
import java.util.function.IntConsumer;

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
 * The hand-off between submitters and workers under randomized races: a submit signals a worker
 * only when one is idle, a worker signals a blocked submitter only when the queue has drained to
 * half (or, with capacity 0, when it goes idle); any change to that hand-off (two locks, fewer
 * wake-ups, batches) must keep these tests green. The rounds race bursts separated by
 * pauses (so that workers go idle and must be woken again; submitters block and must be woken
 * again), capacity 0 (hand-off to idle workers only) to 1000,
 * execute and submit mixed, futures cancelled while queued or just taken (removed from the middle
 * of the queue), statistics read meanwhile, resizes with surplus workers retiring
 * while work is queued, and a draining or immediate shutdown racing the submitters and the
 * workers' takes. Each round checks:
 *
 * <ul>
 *   <li>no lost wake-up: once the submitters are done, every accepted task gets its result within
 *       a generous time although no new submit comes to wake anybody; no submitter stays blocked;
 *   <li>nothing lost or doubled: every accepted task has exactly one result (run, or cancelled
 *       while queued or by shutdownNow), every executed runnable runs at most once and exactly once
 *       unless cancelled, a submitted task's value is its own; a submit racing the shutdown is
 *       either accepted (and then has its result) or rejected (and never runs);
 *   <li>FIFO: with one worker, each submitter's tasks run in the order submitted;
 *   <li>the statistics add up once terminated ({@code submitted == completed}, nothing queued),
 *       and never show more queued than the capacity meanwhile.
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

    /*
     * Ping-pong, in the manner of a jcstress test: one worker and one submitter, each submit made
     * the moment the previous task has ended, so that it races the worker going idle (a hand-off
     * with a lock per side publishes idle on one side and the count on the other, and each must
     * re-read the other's). A wake-up lost in that window leaves the task queued with the worker
     * parked: the submitter then waits in vain.
     */

    @Test
    void aSubmitRacingTheWorkerGoingIdleWakesIt() throws Exception {
        pingPongWorker(Duration.ofMillis(1500));
    }

    @Test
    @Stress
    void aSubmitRacingTheWorkerGoingIdleWakesItOverManyRounds() throws Exception {
        pingPongWorker(Duration.ofSeconds(8));
    }

    /*
     * The other direction: one worker, capacity 1 or 0 (hand-off), blocking submits of tasks that
     * end at once, so the submitter blocks on almost every submit and races the worker that makes
     * room (capacity 1: the worker takes and then looks for a blocked submitter; capacity 0: the
     * worker goes idle and then looks; the submitter publishes itself and then re-checks the room).
     */

    @Test
    void aWorkerMakingRoomWakesTheBlockedSubmitter() throws Exception {
        pingPongSubmitter(1, Duration.ofMillis(750));
        pingPongSubmitter(0, Duration.ofMillis(750));
    }

    @Test
    @Stress
    void aWorkerMakingRoomWakesTheBlockedSubmitterOverManyRounds() throws Exception {
        pingPongSubmitter(1, Duration.ofSeconds(4));
        pingPongSubmitter(0, Duration.ofSeconds(4));
    }

    private void pingPongWorker(Duration duration) throws Exception {
        try (WorkerPool pool = goflow.workerPool().name("ping-pong-worker").workers(1).queueCapacity(16).build()) {
            AtomicInteger ended = new AtomicInteger(-1);
            long end = System.nanoTime() + duration.toNanos();
            int i = 0;
            for (; i < 10_000 || System.nanoTime() - end < 0; i++) {
                int n = i;
                if ((i & 1) == 0) {
                    pool.execute(() -> ended.set(n));
                } else {
                    pool.submit(ctx -> {
                        ended.set(n);
                        return null;
                    });
                }
                // Spin (no parking: the next submit must come while the worker goes idle).
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (ended.get() != n) {
                    if (System.nanoTime() - deadline > 0) {
                        fail("lost wake-up: task " + n + " queued, the worker never woke: " + pool.stats());
                    }
                    Thread.onSpinWait();
                }
            }
            PoolStats stats = pool.stats();
            assertEquals(0, stats.queued(), stats.toString());
            assertEquals(i, stats.submitted(), stats.toString());
        }
    }

    private void pingPongSubmitter(int capacity, Duration duration) throws Exception {
        try (WorkerPool pool = goflow.workerPool().name("ping-pong-submitter-" + capacity).workers(1)
                .queueCapacity(capacity).onQueueFull(QueueFullPolicy.BLOCK).build()) {
            AtomicInteger ran = new AtomicInteger();
            AtomicInteger submits = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long end = System.nanoTime() + duration.toNanos();
            Thread submitter = new Thread(() -> {
                try {
                    for (int i = 0; i < 10_000 || System.nanoTime() - end < 0; i++) {
                        pool.execute(ran::incrementAndGet);
                        submits.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "ping-pong-submitter");
            submitter.start();
            // The submitter makes progress unless a wake-up was lost: watch that it does.
            int seen = -1;
            long stalledSince = System.nanoTime();
            while (submitter.isAlive()) {
                int now = submits.get();
                if (now != seen) {
                    seen = now;
                    stalledSince = System.nanoTime();
                } else if (System.nanoTime() - stalledSince > TimeUnit.SECONDS.toNanos(10)) {
                    fail("lost wake-up: the submitter is blocked after " + now + " submits (capacity " + capacity
                            + ", " + ran.get() + " ran): " + pool.stats());
                }
                submitter.join(50);
            }
            assertEquals(null, failure.get());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ran.get() != submits.get()) {
                assertTrue(System.nanoTime() - deadline < 0, "lost wake-up: " + ran.get() + " of " + submits.get()
                        + " ran: " + pool.stats());
                LockSupport.parkNanos(1_000_000);
            }
        }
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

    private static final int[] CAPACITIES = {0, 1, 2, 16, 100, 1000};
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
        // FIFO is checked in rounds with one worker throughout: each submitter's ids run in order.
        boolean checkOrder = workers == 1 && !resize;
        AtomicIntegerArray lastRun = new AtomicIntegerArray(submitters);
        for (int s = 0; s < submitters; s++) {
            lastRun.set(s, -1);
        }
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
                            pool.execute(new Item(id, spinNanos, ran, order(checkOrder, perSubmitter, lastRun, problem)));
                        } else {
                            CompletableFuture<TaskResult<Integer>> f = pool.submit(
                                    new Item(id, spinNanos, ran, order(checkOrder, perSubmitter, lastRun, problem)));
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
                    } else if (what == 3) {
                        PoolStats st = pool.stats(); // racing the intake and the takes
                        if (capacity > 0 && st.queued() > capacity) {
                            problem.compareAndSet(null, "more queued than the capacity: " + st);
                        }
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

    /**
     * The order check of a round: with {@code check}, records each submitter's last id run and
     * reports a task that runs after a later one of the same submitter; otherwise nothing.
     */
    private static IntConsumer order(boolean check, int perSubmitter, AtomicIntegerArray lastRun,
            AtomicReference<String> problem) {
        if (!check) {
            return id -> { };
        }
        return id -> {
            int s = id / perSubmitter;
            int before = lastRun.getAndSet(s, id);
            if (before >= id) {
                problem.compareAndSet(null, "task " + id + " ran after task " + before + " of the same submitter");
            }
        };
    }

    /** A task or runnable with an id (its toString, read back by the listener) that may spin a little. */
    private static final class Item implements Task<Integer>, Runnable {
        private final int id;
        private final int spinNanos;
        private final AtomicIntegerArray ran;
        private final IntConsumer onRun;

        Item(int id, int spinNanos, AtomicIntegerArray ran, IntConsumer onRun) {
            this.id = id;
            this.spinNanos = spinNanos;
            this.ran = ran;
            this.onRun = onRun;
        }

        @Override
        public void run() {
            ran.incrementAndGet(id);
            onRun.accept(id);
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
