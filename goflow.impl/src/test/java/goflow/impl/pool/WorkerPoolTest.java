package goflow.impl.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.pool.PoolStats;
import goflow.api.pool.QueueFullPolicy;
import goflow.api.pool.RejectedException;
import goflow.api.pool.Task;
import goflow.api.pool.TaskFailedException;
import goflow.api.pool.TaskResult;
import goflow.api.pool.TaskResult.Outcome;
import goflow.api.pool.WorkerPool;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

class WorkerPoolTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlowImpl goflow = new GoFlowImpl();

    @AfterEach
    void closeGoFlow() {
        goflow.close();
    }

    /** A task that waits until released; counts its starts. */
    static final class Gate {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        <T> Task<T> task(T value) {
            return ctx -> {
                started.countDown();
                release.await();
                return value;
            };
        }

        void awaitStarted() throws InterruptedException {
            assertTrue(started.await(10, TimeUnit.SECONDS), "task did not start");
        }
    }

    static <T> TaskResult<T> get(CompletableFuture<TaskResult<T>> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void fifoOrderWithOneWorker() throws Exception {
        try (WorkerPool pool = goflow.workerPool().workers(1).queueCapacity(1000).build()) {
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            Gate gate = new Gate();
            pool.submit(gate.task(null));
            gate.awaitStarted();
            List<CompletableFuture<TaskResult<Integer>>> futures = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                int n = i;
                futures.add(pool.submit(ctx -> {
                    order.add(n);
                    return n;
                }));
            }
            assertEquals(500, pool.stats().queued());
            gate.release.countDown();
            for (int i = 0; i < 500; i++) {
                TaskResult<Integer> r = get(futures.get(i));
                assertEquals(Outcome.SUCCEEDED, r.outcome());
                assertEquals(i, r.value());
                assertEquals(0, r.workerId());
            }
            assertEquals(IntStream.range(0, 500).boxed().toList(), order);
        }
    }

    /**
     * A worker runs its loop in legs of RUN_LEG items (WorkerPoolImpl.RUN_LEG); the item a leg ends
     * on is handed to the next leg already started. With one worker and a long queue (so batches are
     * taken, the item can come from the batch or the queue), every executed runnable runs once, in
     * order, across several leg boundaries.
     */
    @Test
    void fifoOrderWithOneWorkerAcrossItsLegs() throws Exception {
        int n = 2 * WorkerPoolImpl.RUN_LEG + 7;
        try (WorkerPool pool = goflow.workerPool().workers(1).queueCapacity(n).build()) {
            int[] order = new int[n];
            AtomicInteger ran = new AtomicInteger();
            Gate gate = new Gate();
            pool.submit(gate.task(null));
            gate.awaitStarted();
            for (int i = 0; i < n; i++) {
                int k = i;
                pool.execute(() -> order[ran.getAndIncrement()] = k); // one worker: no race on order
            }
            assertEquals(n, pool.stats().queued());
            gate.release.countDown();
            Eventually.until(() -> pool.stats().completed() == n + 1); // the gate task and every runnable
            assertEquals(n, ran.get());
            assertArrayEquals(IntStream.range(0, n).toArray(), order);
        }
    }

    @Test
    void resultCarriesValueDurationAndWorker() throws Exception {
        ManualClock clock = new ManualClock();
        try (WorkerPool pool = goflow.workerPool().workers(2).clock(clock).build()) {
            TaskResult<String> r = get(pool.submit(ctx -> {
                clock.advance(Duration.ofMillis(250));
                return "ok";
            }));
            assertTrue(r.succeeded());
            assertEquals("ok", r.valueOrThrow());
            assertNull(r.failure());
            assertEquals(Duration.ofMillis(250), r.duration());
            assertTrue(r.workerId() == 0 || r.workerId() == 1, "worker id " + r.workerId());
            PoolStats s = pool.stats();
            assertEquals(1, s.submitted());
            assertEquals(1, s.completed());
            assertEquals(1, s.succeeded());
            assertEquals(Duration.ofMillis(250), s.averageTaskTime());
            assertEquals(Duration.ofMillis(250), s.maxTaskTime());
        }
    }

    @Test
    void exceptionsAndErrorsBecomeFailedResultsAndWorkersSurvive() throws Exception {
        List<TaskResult<?>> seen = new CopyOnWriteArrayList<>();
        try (WorkerPool pool = goflow.workerPool().workers(1)
                .resultListener((task, result) -> seen.add(result)).build()) {
            TaskResult<Object> ex = get(pool.submit(ctx -> {
                throw new java.io.IOException("disk on fire");
            }));
            assertEquals(Outcome.FAILED, ex.outcome());
            assertInstanceOf(java.io.IOException.class, ex.failure());
            assertTrue(ex.failure().getStackTrace().length > 0, "stack trace kept");
            TaskFailedException tfe = assertThrows(TaskFailedException.class, ex::valueOrThrow);
            assertSame(ex.failure(), tfe.getCause());
            assertSame(ex, tfe.result());

            TaskResult<Object> err = get(pool.submit(ctx -> {
                throw new StackOverflowError("deep");
            }));
            assertEquals(Outcome.FAILED, err.outcome());
            assertInstanceOf(StackOverflowError.class, err.failure());

            TaskResult<Object> oom = get(pool.submit(ctx -> {
                throw new AssertionError("broken invariant");
            }));
            assertEquals(Outcome.FAILED, oom.outcome());

            // the single worker survived all of them, and the pool kept its size
            assertEquals("still alive", get(pool.submit(ctx -> "still alive")).valueOrThrow());
            assertEquals(0, get(pool.submit(ctx -> 0)).workerId());
            PoolStats s = pool.stats();
            assertEquals(1, s.workers());
            assertEquals(3, s.failed());
            assertEquals(2, s.succeeded());
            assertEquals(5, seen.size());
        }
    }

    @Test
    void timeoutCancelsTheTaskContextAndInterrupts() throws Exception {
        try (WorkerPool pool = goflow.workerPool().workers(1).taskTimeout(Duration.ofMillis(50)).build()) {
            AtomicInteger sawDeadline = new AtomicInteger();
            TaskResult<Object> r = get(pool.submit(ctx -> {
                try {
                    new CountDownLatch(1).await(); // only an interrupt ends this
                } finally {
                    if (ctx.isDone() && ctx.error().orElseThrow() instanceof DeadlineExceededException) {
                        sawDeadline.incrementAndGet();
                    }
                }
                return null;
            }));
            assertEquals(Outcome.TIMED_OUT, r.outcome());
            assertInstanceOf(InterruptedException.class, r.failure());
            assertEquals(1, sawDeadline.get());
            // the worker is fine and not interrupted for the next task
            assertFalse(get(pool.submit(ctx -> Thread.currentThread().isInterrupted())).valueOrThrow());
            assertEquals(1, pool.stats().timedOut());
        }
    }

    @Test
    void timeoutOnManualClockEndsTheContext() throws Exception {
        ManualClock clock = new ManualClock();
        try (WorkerPool pool = goflow.workerPool().workers(1).clock(clock).taskTimeout(Duration.ofSeconds(5))
                .build()) {
            CountDownLatch running = new CountDownLatch(1);
            CompletableFuture<TaskResult<String>> f = pool.submit(ctx -> {
                running.countDown();
                while (!ctx.isDone()) {
                    Thread.onSpinWait();
                }
                ctx.throwIfDone();
                return "unreachable";
            });
            assertTrue(running.await(10, TimeUnit.SECONDS));
            clock.advance(Duration.ofSeconds(4));
            assertFalse(f.isDone());
            clock.advance(Duration.ofSeconds(1));
            TaskResult<String> r = get(f);
            assertEquals(Outcome.TIMED_OUT, r.outcome());
            assertInstanceOf(DeadlineExceededException.class, r.failure());
            assertEquals(Duration.ofSeconds(5), r.duration());
        }
    }

    @Test
    void timeoutInterruptsExecutedRunnables() {
        List<TaskResult<?>> seen = new CopyOnWriteArrayList<>();
        try (WorkerPool pool = goflow.workerPool().workers(1).taskTimeout(Duration.ofMillis(30))
                .resultListener((t, r) -> seen.add(r)).build()) {
            pool.execute(() -> {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    throw new IllegalStateException("interrupted", e);
                }
            });
            Eventually.until(() -> seen.size() == 1);
            assertEquals(Outcome.TIMED_OUT, seen.get(0).outcome());
        }
    }

    @Test
    void submitContextCancellationReachesTheRunningTask() throws Exception {
        try (WorkerPool pool = goflow.workerPool().workers(1).build();
                CancellableContext parent = Context.background().withCancel()) {
            CountDownLatch running = new CountDownLatch(1);
            CompletableFuture<TaskResult<Object>> f = pool.submit(parent, ctx -> {
                running.countDown();
                ctx.sleep(Duration.ofMinutes(5));
                return null;
            });
            assertTrue(running.await(10, TimeUnit.SECONDS));
            parent.cancel();
            TaskResult<Object> r = get(f);
            assertEquals(Outcome.CANCELLED, r.outcome());
            assertInstanceOf(CancelledException.class, r.failure());
            assertEquals(0, r.workerId());
        }
    }

    @Test
    void taskCancelledWhileQueuedNeverStarts() throws Exception {
        AtomicInteger listened = new AtomicInteger();
        try (WorkerPool pool = goflow.workerPool().workers(1).resultListener((t, r) -> listened.incrementAndGet())
                .build(); CancellableContext parent = Context.background().withCancel()) {
            Gate gate = new Gate();
            pool.submit(gate.task(null));
            gate.awaitStarted();
            AtomicInteger ran = new AtomicInteger();
            CompletableFuture<TaskResult<Object>> f = pool.submit(parent, ctx -> ran.incrementAndGet());
            assertEquals(1, pool.stats().queued());
            parent.cancel();
            // completes at once, while the worker is still busy, and frees the queue slot
            TaskResult<Object> r = get(f);
            assertEquals(Outcome.CANCELLED, r.outcome());
            assertEquals(-1, r.workerId());
            assertEquals(Duration.ZERO, r.duration());
            assertInstanceOf(CancelledException.class, r.failure());
            assertEquals(0, pool.stats().queued());
            gate.release.countDown();
            assertEquals(1, get(pool.submit(ctx -> 1)).valueOrThrow());
            assertEquals(0, ran.get());
            assertEquals(1, pool.stats().cancelled());
            Eventually.until(() -> listened.get() == 3);
        }
    }

    @Test
    void doneContextIsRefusedAtSubmit() {
        try (WorkerPool pool = goflow.workerPool().workers(1).build()) {
            CancellableContext ctx = Context.background().withCancel();
            ctx.cancel();
            assertThrows(CancelledException.class, () -> pool.submit(ctx, c -> 1));
            assertEquals(1, pool.stats().rejected());
            assertEquals(0, pool.stats().submitted());
        }
    }

    @Test
    void cancellingTheFutureCancelsTheTask() throws Exception {
        List<TaskResult<?>> seen = new CopyOnWriteArrayList<>();
        try (WorkerPool pool = goflow.workerPool().workers(1).resultListener((t, r) -> seen.add(r)).build()) {
            CountDownLatch running = new CountDownLatch(1);
            CompletableFuture<TaskResult<Object>> running1 = pool.submit(ctx -> {
                running.countDown();
                ctx.sleep(Duration.ofMinutes(5));
                return null;
            });
            AtomicInteger ran = new AtomicInteger();
            CompletableFuture<TaskResult<Object>> queued = pool.submit(ctx -> ran.incrementAndGet());
            assertTrue(running.await(10, TimeUnit.SECONDS));
            assertTrue(queued.cancel(false));
            assertTrue(queued.isCancelled());
            assertTrue(running1.cancel(true));
            Eventually.until(() -> seen.size() == 2);
            assertTrue(seen.stream().allMatch(r -> r.outcome() == Outcome.CANCELLED), seen.toString());
            assertEquals(1, get(pool.submit(ctx -> 1)).valueOrThrow());
            assertEquals(0, ran.get());
        }
    }

    @Test
    void rejectPolicyRefusesWhenFull() throws Exception {
        try (WorkerPool pool = goflow.workerPool().workers(1).queueCapacity(2).onQueueFull(QueueFullPolicy.REJECT)
                .build()) {
            Gate gate = new Gate();
            pool.submit(gate.task(null));
            gate.awaitStarted();
            CompletableFuture<TaskResult<Integer>> a = pool.submit(ctx -> 1);
            CompletableFuture<TaskResult<Integer>> b = pool.submit(ctx -> 2);
            RejectedException e = assertThrows(RejectedException.class, () -> pool.submit(ctx -> 3));
            assertEquals(RejectedException.Reason.QUEUE_FULL, e.reason());
            assertEquals("worker-pool '" + pool.name() + "' queue is full (capacity 2): task rejected", e.getMessage());
            assertThrows(RejectedException.class, () -> pool.execute(() -> { }));
            assertEquals(2, pool.stats().rejected());
            gate.release.countDown();
            assertEquals(1, get(a).valueOrThrow());
            assertEquals(2, get(b).valueOrThrow());
        }
    }

    @Test
    void blockPolicyWaitsForRoomOrTheContext() throws Exception {
        try (WorkerPool pool = goflow.workerPool().workers(1).queueCapacity(1).build()) {
            Gate gate = new Gate();
            pool.submit(gate.task(null));
            gate.awaitStarted();
            pool.submit(ctx -> 1);
            // full: a submit with a short deadline gives up with the context's error
            try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(50))) {
                assertThrows(DeadlineExceededException.class, () -> pool.submit(ctx, c -> 2));
            }
            // a blocked submitter gets in when room appears
            CompletableFuture<CompletableFuture<TaskResult<Integer>>> blocked =
                    CompletableFuture.supplyAsync(() -> pool.submit(ctx -> 3));
            Thread.sleep(50); // give it time to block (not an assertion)
            assertFalse(blocked.isDone());
            gate.release.countDown();
            assertEquals(3, get(blocked.get(10, TimeUnit.SECONDS)).valueOrThrow());
        }
    }

    @Test
    void interruptedSubmitterIsRejectedAndKeepsItsFlag() throws Exception {
        try (WorkerPool pool = goflow.workerPool().workers(1).queueCapacity(1).build()) {
            Gate gate = new Gate();
            pool.submit(gate.task(null));
            gate.awaitStarted();
            pool.submit(ctx -> 1);
            Thread.currentThread().interrupt();
            RejectedException e = assertThrows(RejectedException.class, () -> pool.submit(ctx -> 2));
            assertTrue(Thread.interrupted(), "interrupt flag restored");
            assertEquals(RejectedException.Reason.INTERRUPTED, e.reason());
            assertInstanceOf(InterruptedException.class, e.getCause());
            gate.release.countDown();
        }
    }

    @Test
    void handOffQueueAcceptsOnlyWhenAWorkerIsIdle() throws Exception {
        try (WorkerPool pool = goflow.workerPool().workers(1).queueCapacity(0).onQueueFull(QueueFullPolicy.REJECT)
                .build()) {
            assertEquals(1, get(submitWhenIdle(pool, ctx -> 1)).valueOrThrow());
            Gate gate = new Gate();
            submitWhenIdle(pool, gate.task(null));
            gate.awaitStarted();
            RejectedException e = assertThrows(RejectedException.class, () -> pool.submit(ctx -> 2));
            assertEquals(RejectedException.Reason.QUEUE_FULL, e.reason());
            gate.release.countDown();
            assertEquals(3, get(submitWhenIdle(pool, ctx -> 3)).valueOrThrow());
        }
        // with BLOCK, a hand-off submit waits for an idle worker
        try (WorkerPool pool = goflow.workerPool().workers(1).queueCapacity(0).build()) {
            Gate gate = new Gate();
            pool.submit(gate.task(null));
            gate.awaitStarted();
            CompletableFuture<CompletableFuture<TaskResult<Integer>>> blocked =
                    CompletableFuture.supplyAsync(() -> pool.submit(ctx -> 4));
            Thread.sleep(50); // give it time to block (not an assertion)
            assertFalse(blocked.isDone());
            gate.release.countDown();
            assertEquals(4, get(blocked.get(10, TimeUnit.SECONDS)).valueOrThrow());
        }
    }

    /** Submits to a hand-off pool, retrying while no worker is idle yet. */
    private static <T> CompletableFuture<TaskResult<T>> submitWhenIdle(WorkerPool pool, Task<T> task) {
        List<CompletableFuture<TaskResult<T>>> got = new ArrayList<>();
        Eventually.until(() -> {
            try {
                got.add(pool.submit(task));
                return true;
            } catch (RejectedException e) {
                return false;
            }
        });
        return got.get(0);
    }

    @Test
    void worksAsAnExecutor() throws Exception {
        try (WorkerPool pool = goflow.workerPool().workers(3).build()) {
            CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> Thread.currentThread().getName(), pool)
                    .thenApplyAsync(s -> s + "+", pool);
            assertTrue(f.get(10, TimeUnit.SECONDS).startsWith("goflow-worker-pool-" + pool.name()));
            CountDownLatch done = new CountDownLatch(100);
            for (int i = 0; i < 100; i++) {
                pool.execute(done::countDown);
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
            Eventually.until(() -> pool.stats().succeeded() == 102);
        }
    }

    @Test
    void executedRunnableFailuresReachTheListener() {
        List<TaskResult<?>> seen = new CopyOnWriteArrayList<>();
        List<Task<?>> tasks = new CopyOnWriteArrayList<>();
        Runnable bad = new Runnable() {
            @Override
            public void run() {
                throw new IllegalStateException("bad runnable");
            }

            @Override
            public String toString() {
                return "the bad runnable";
            }
        };
        try (WorkerPool pool = goflow.workerPool().workers(1).resultListener((t, r) -> {
            tasks.add(t);
            seen.add(r);
        }).build()) {
            pool.execute(bad);
            Eventually.until(() -> seen.size() == 1);
            assertEquals(Outcome.FAILED, seen.get(0).outcome());
            assertEquals("bad runnable", seen.get(0).failure().getMessage());
            assertEquals("the bad runnable", tasks.get(0).toString());
        }
    }

    @Test
    void failureOfPoolCodeAroundATaskFailsThatTaskOnly() throws Exception {
        goflow.api.Clock broken = refusingTimers(new IllegalStateException("timer service down"));
        try (WorkerPool pool = goflow.workerPool().workers(1).clock(broken).taskTimeout(Duration.ofSeconds(1))
                .build()) {
            TaskResult<Integer> r = get(pool.submit(ctx -> 1));
            assertEquals(Outcome.FAILED, r.outcome());
            assertEquals("timer service down", r.failure().getMessage());
            // the worker survived: the next task fails the same way, on the same worker
            assertEquals(0, get(pool.submit(ctx -> 2)).workerId());
            assertEquals(1, pool.workers());
            assertEquals(2, pool.stats().failed());
        }
    }

    @Test
    void failureAroundATaskWhoseToStringThrowsStillCompletesItsFuture() throws Exception {
        // Two faults at once: the pool fails around the task, and logging the task fails too.
        goflow.api.Clock broken = refusingTimers(new IllegalStateException("timer service down"));
        Task<Integer> unprintable = new Task<>() {
            @Override
            public Integer run(Context ctx) {
                return 1;
            }

            @Override
            public String toString() {
                throw new IllegalStateException("toString fails");
            }
        };
        try (WorkerPool pool = goflow.workerPool().workers(1).clock(broken).taskTimeout(Duration.ofSeconds(1))
                .build()) {
            TaskResult<Integer> r = get(pool.submit(unprintable));
            assertEquals(Outcome.FAILED, r.outcome());
            assertEquals("timer service down", r.failure().getMessage());
            assertEquals(1, pool.stats().failed());
        }
    }

    @Test
    void listenerSeesTheResultBeforeTheFutureCompletes() throws Exception {
        List<CompletableFuture<?>> futures = new CopyOnWriteArrayList<>();
        List<Boolean> doneWhenListened = new CopyOnWriteArrayList<>();
        try (WorkerPool pool = goflow.workerPool().workers(2).resultListener((t, r) -> {
            Eventually.until(() -> !futures.isEmpty());
            doneWhenListened.add(futures.get(0).isDone());
        }).build()) {
            CompletableFuture<TaskResult<Integer>> f = pool.submit(ctx -> 1);
            futures.add(f);
            assertEquals(1, get(f).valueOrThrow());
            assertEquals(List.of(false), doneWhenListened);
        }
    }

    @Test
    void statsTrackBusyQueuedAndTaskTimes() throws Exception {
        ManualClock clock = new ManualClock();
        try (WorkerPool pool = goflow.workerPool().workers(2).queueCapacity(10).clock(clock).build()) {
            Gate a = new Gate();
            Gate b = new Gate();
            pool.submit(a.task(null));
            pool.submit(b.task(null));
            a.awaitStarted();
            b.awaitStarted();
            pool.submit(ctx -> 1);
            PoolStats busy = pool.stats();
            assertEquals(2, busy.busy());
            assertEquals(1, busy.queued());
            assertEquals(3, busy.submitted());
            assertEquals(0, busy.completed());
            clock.advance(Duration.ofMillis(300));
            a.release.countDown();
            Eventually.until(() -> pool.stats().completed() == 2);
            clock.advance(Duration.ofMillis(100));
            b.release.countDown();
            Eventually.until(() -> pool.stats().completed() == 3);
            PoolStats s = pool.stats();
            assertEquals(0, s.busy());
            assertEquals(0, s.queued());
            assertEquals(Duration.ofMillis(400), s.maxTaskTime());
            assertTrue(s.averageTaskTime().compareTo(Duration.ofMillis(100)) >= 0, s.toString());
        }
    }

    @Test
    void terminationRemovesThePoolFromTheRegistry() throws Exception {
        WorkerPool pool = goflow.workerPool().name("short-lived").workers(1).build();
        assertTrue(goflow.registry().find("short-lived").isPresent());
        pool.shutdown().get(10, TimeUnit.SECONDS);
        assertTrue(goflow.registry().find("short-lived").isEmpty());
        // the name can be used again
        goflow.workerPool().name("short-lived").workers(1).build().close();
    }

    @Test
    void statsToMapInDisplayOrder() {
        try (WorkerPool pool = goflow.workerPool().workers(2).queueCapacity(8).build()) {
            assertEquals(List.of("state", "workers", "busy", "queued", "queueCapacity", "virtualThreads", "submitted",
                    "completed", "succeeded", "failed", "timedOut", "cancelled", "rejected", "averageTaskTime",
                    "maxTaskTime"), new ArrayList<>(pool.stats().toMap().keySet()));
            assertEquals(8, pool.stats().toMap().get("queueCapacity"));
            assertEquals("RUNNING", pool.stats().toMap().get("state"));
        }
    }

    /**
     * A system-time clock whose schedule() throws {@code failure} (a RuntimeException or an Error):
     * every task timeout fails to be armed.
     */
    private static goflow.api.Clock refusingTimers(Throwable failure) {
        return new goflow.api.Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public java.time.Instant instant() {
                return java.time.Instant.now();
            }

            @Override
            public goflow.api.Registration schedule(long deadlineNanos, Runnable action) {
                if (failure instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) failure;
            }
        };
    }

    @Test
    void whenPoolCodeAroundATaskFailsTheListenerStillGetsTheResult() throws Exception {
        // The clock refuses timers (as the system timer does when no thread can be started for
        // it): every task's timeout fails before the task runs.
        goflow.api.Clock refusing = refusingTimers(new OutOfMemoryError("test: unable to create native thread"));
        List<TaskResult<?>> heard = new CopyOnWriteArrayList<>();
        try (WorkerPool pool = goflow.workerPool().name("failing-around").workers(1).clock(refusing)
                .taskTimeout(Duration.ofSeconds(30)).resultListener((task, result) -> heard.add(result)).build()) {
            TaskResult<Integer> submitted = get(pool.submit(ctx -> 1));
            assertEquals(Outcome.FAILED, submitted.outcome());
            assertInstanceOf(OutOfMemoryError.class, submitted.failure());
            pool.execute(() -> { });
            Eventually.until(() -> pool.stats().completed() == 2);
            Eventually.until(() -> heard.size() == 2);
            assertSame(submitted, heard.get(0), "the listener sees the submitted task's result");
            assertEquals(Outcome.FAILED, heard.get(1).outcome(), "and the executed one's");
            assertEquals(2, pool.stats().failed());
        }
    }
}
