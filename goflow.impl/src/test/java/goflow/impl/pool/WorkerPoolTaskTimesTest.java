package goflow.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import goflow.api.Clock;
import goflow.api.InvalidConfigException;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.pool.PoolStats;
import goflow.api.pool.TaskResult;
import goflow.api.pool.TaskResult.Outcome;
import goflow.api.pool.WorkerPool;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.pool.WorkerPoolTest.Gate;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/**
 * {@code measureTaskTimes}: a pool that measures task times (the default) reads the clock once per
 * task and reports exact times; one that does not reads no clock around tasks, reports no task
 * times and zero durations, and keeps everything else (outcomes, counts, timeouts, taking back the
 * batch of a stalled worker).
 */
class WorkerPoolTaskTimesTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlowImpl goflow = new GoFlowImpl();

    @AfterEach
    void closeGoFlow() {
        goflow.close();
    }

    /** The system clock, counting its {@code nanoTime()} reads. */
    private static final class CountingClock implements Clock {
        final AtomicLong reads = new AtomicLong();

        @Override
        public long nanoTime() {
            reads.incrementAndGet();
            return System.nanoTime();
        }

        @Override
        public Instant instant() {
            return Instant.now();
        }
    }

    @Test
    void withoutTaskTimesTheStatsHaveNoneAndResultsAZeroDuration() throws Exception {
        ManualClock clock = new ManualClock();
        try (WorkerPool pool = goflow.workerPool().workers(2).clock(clock).measureTaskTimes(false).build()) {
            TaskResult<String> ok = pool.submit(ctx -> {
                clock.advance(Duration.ofMillis(250));
                return "ok";
            }).get(10, TimeUnit.SECONDS);
            assertEquals("ok", ok.valueOrThrow());
            assertEquals(Duration.ZERO, ok.duration(), "not measured");
            TaskResult<Object> error = pool.submit(ctx -> {
                clock.advance(Duration.ofMillis(100));
                throw new AssertionError("an Error from the task");
            }).get(10, TimeUnit.SECONDS);
            assertEquals(Outcome.FAILED, error.outcome());
            assertEquals(Duration.ZERO, error.duration());
            CountDownLatch ran = new CountDownLatch(1);
            pool.execute(ran::countDown);
            assertTrue(ran.await(10, TimeUnit.SECONDS));
            Eventually.until(() -> pool.stats().completed() == 3);
            PoolStats s = pool.stats();
            assertEquals(3, s.submitted());
            assertEquals(2, s.succeeded());
            assertEquals(1, s.failed());
            assertFalse(s.taskTimesMeasured());
            assertNull(s.averageTaskTime());
            assertNull(s.maxTaskTime());
            assertEquals(List.of("state", "workers", "busy", "queued", "queueCapacity", "virtualThreads", "submitted",
                    "completed", "succeeded", "failed", "timedOut", "cancelled", "rejected"),
                    new ArrayList<>(s.toMap().keySet()), "the task times are absent, not zero");
        }
    }

    @Test
    void byDefaultTheTimesAreMeasuredExactly() throws Exception {
        ManualClock clock = new ManualClock();
        try (WorkerPool pool = goflow.workerPool().workers(1).clock(clock).build()) {
            TaskResult<String> r = pool.submit(ctx -> {
                clock.advance(Duration.ofMillis(250));
                return "ok";
            }).get(10, TimeUnit.SECONDS);
            assertEquals(Duration.ofMillis(250), r.duration());
            Eventually.until(() -> pool.stats().completed() == 1);
            PoolStats s = pool.stats();
            assertTrue(s.taskTimesMeasured());
            assertEquals(Duration.ofMillis(250), s.averageTaskTime());
            assertEquals(Duration.ofMillis(250), s.maxTaskTime());
        }
    }

    /**
     * What the option is for: a pool without task times reads no clock per task (the read is a
     * large share of a no-op task's cost); one with them reads it at least once per task.
     */
    @ParameterizedTest(name = "measureTaskTimes={0}")
    @ValueSource(booleans = {false, true})
    void clockReadsPerTask(boolean measure) throws Exception {
        CountingClock clock = new CountingClock();
        int tasks = 1000;
        try (WorkerPool pool = goflow.workerPool().workers(1).queueCapacity(tasks).clock(clock)
                .measureTaskTimes(measure).build()) {
            // One worker: no other worker's progress to look at, so nothing else reads the clock.
            Gate gate = new Gate();
            pool.submit(gate.task(null));
            gate.awaitStarted();
            long before = clock.reads.get();
            CountDownLatch done = new CountDownLatch(tasks);
            List<CompletableFuture<TaskResult<Integer>>> futures = new ArrayList<>();
            for (int i = 0; i < tasks / 2; i++) {
                pool.execute(done::countDown);
                int n = i;
                futures.add(pool.submit(ctx -> {
                    done.countDown();
                    return n;
                }));
            }
            gate.release.countDown();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < futures.size(); i++) {
                assertEquals(i, futures.get(i).get(10, TimeUnit.SECONDS).valueOrThrow());
            }
            long reads = clock.reads.get() - before;
            if (measure) {
                assertTrue(reads >= tasks, "at least one read per task: " + reads + " for " + tasks + " tasks");
            } else {
                assertEquals(0, reads, "no clock read for " + tasks + " tasks");
            }
        }
    }

    /** The task timeout needs no task times: it is a timer on the pool clock either way. */
    @Test
    void theTaskTimeoutWorksWithoutTaskTimes() throws Exception {
        ManualClock clock = new ManualClock();
        List<TaskResult<?>> results = new ArrayList<>();
        CountDownLatch listened = new CountDownLatch(2);
        try (WorkerPool pool = goflow.workerPool().workers(2).clock(clock).measureTaskTimes(false)
                .taskTimeout(Duration.ofSeconds(1)).resultListener((task, result) -> {
                    synchronized (results) {
                        results.add(result);
                    }
                    listened.countDown();
                }).build()) {
            CountDownLatch started = new CountDownLatch(2);
            CompletableFuture<TaskResult<Object>> submitted = pool.submit(ctx -> {
                started.countDown();
                ctx.sleep(Duration.ofHours(1));
                return "overslept";
            });
            pool.execute(() -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await(); // until interrupted
                } catch (InterruptedException e) {
                    throw new IllegalStateException("interrupted", e);
                }
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            Eventually.until(() -> clock.pendingTimers() >= 2);
            clock.advance(Duration.ofSeconds(2));
            TaskResult<Object> r = submitted.get(10, TimeUnit.SECONDS);
            assertEquals(Outcome.TIMED_OUT, r.outcome(), r.toString());
            assertEquals(Duration.ZERO, r.duration());
            assertTrue(listened.await(10, TimeUnit.SECONDS), "the listener saw both results");
            synchronized (results) {
                assertEquals(List.of(Outcome.TIMED_OUT, Outcome.TIMED_OUT),
                        results.stream().map(TaskResult::outcome).toList(), "submitted and executed: " + results);
            }
            Eventually.until(() -> pool.stats().timedOut() == 2);
            assertNull(pool.stats().maxTaskTime());
        }
    }

    /**
     * Under steady load no worker finds the queue empty, so the tasks batched behind a long one go
     * back to the queue only through the progress check, which a pool without task times times by
     * reading the clock at its refills: the short tasks must run before the rest of the queue, not
     * after it. The tasks that keep the other worker busy advance the pool clock themselves.
     */
    @ParameterizedTest(name = "measureTaskTimes={0}")
    @ValueSource(booleans = {false, true})
    void theBatchOfAStalledWorkerGoesBackUnderSteadyLoad(boolean measure) throws Exception {
        ManualClock clock = new ManualClock();
        int shorts = WorkerPoolImpl.BATCH - 1;
        int fillers = 60;
        List<String> order = new ArrayList<>();
        WorkerPool pool = goflow.workerPool().workers(2).queueCapacity(1000).clock(clock).measureTaskTimes(measure)
                .build();
        Gate first = new Gate();
        Gate second = new Gate();
        Gate longTask = new Gate();
        try {
            pool.submit(first.task(null));
            pool.submit(second.task(null));
            first.awaitStarted();
            second.awaitStarted();
            pool.submit(longTask.task(null));
            for (int i = 0; i < shorts; i++) {
                String name = "short-" + i;
                pool.execute(() -> {
                    synchronized (order) {
                        order.add(name);
                    }
                });
            }
            for (int i = 0; i < fillers; i++) {
                String name = "filler-" + i;
                pool.execute(() -> {
                    clock.advance(Duration.ofNanos(WorkerPoolImpl.STALL_NANOS / 10));
                    synchronized (order) {
                        order.add(name);
                    }
                });
            }
            first.release.countDown(); // this worker takes the long task and, with batches, the short ones
            longTask.awaitStarted();
            second.release.countDown(); // the other runs the fillers
            Eventually.until(() -> {
                synchronized (order) {
                    return order.size() == shorts + fillers;
                }
            });
            synchronized (order) {
                int lastShort = order.lastIndexOf("short-" + (shorts - 1));
                int lastFiller = order.lastIndexOf("filler-" + (fillers - 1));
                assertTrue(lastShort < lastFiller, "the short tasks waited for the whole queue: " + order);
            }
            assertEquals(1, pool.stats().busy(), "only the long task runs: " + pool.stats());
        } finally {
            first.release.countDown();
            second.release.countDown();
            longTask.release.countDown();
            pool.close();
        }
    }

    /**
     * A task whose submit context ended while it was queued is cancelled by the worker that takes
     * it, which then completes its future: the future's dependent stages (user code) run on the
     * worker. Their time is not part of the next task's run time (as for a task that ran): before,
     * the next task's start was the end of the task before, and its time included theirs.
     */
    @Test
    void theStagesOfATaskCancelledAtItsStartAreNotTimedAsTheNextTask() throws Exception {
        ManualClock clock = new ManualClock();
        try (WorkerPool pool = goflow.workerPool().workers(1).clock(clock).build()) {
            Gate gate = new Gate();
            CompletableFuture<TaskResult<String>> first = pool.submit(gate.task("first"));
            gate.awaitStarted();
            CancellableContext ctx = Context.background(clock).withCancel();
            CountDownLatch cancelling = new CountDownLatch(1);
            CountDownLatch cancelledSeen = new CountDownLatch(1);
            // Registered before the submit, so it runs first when ctx ends: it holds the task's own
            // watch back until the worker has cancelled the task itself.
            ctx.onDone(() -> {
                cancelling.countDown();
                try {
                    cancelledSeen.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<TaskResult<String>> cancelled = pool.submit(ctx, c -> "never");
            cancelled.thenRun(() -> {
                clock.advance(Duration.ofSeconds(5)); // a slow stage
                cancelledSeen.countDown();
            });
            CompletableFuture<TaskResult<String>> next = pool.submit(c -> "next");
            Thread canceller = new Thread(ctx::cancel, "canceller");
            canceller.start();
            assertTrue(cancelling.await(30, TimeUnit.SECONDS));
            gate.release.countDown();
            assertEquals(Outcome.CANCELLED, cancelled.get(30, TimeUnit.SECONDS).outcome());
            TaskResult<String> r = next.get(30, TimeUnit.SECONDS);
            assertEquals("next", r.valueOrThrow());
            assertEquals(Duration.ZERO, r.duration(), "the next task's run time");
            assertEquals(Duration.ZERO, first.get(30, TimeUnit.SECONDS).duration());
            canceller.join(30_000);
            Eventually.until(() -> pool.stats().completed() == 3);
            assertEquals(Duration.ZERO, pool.stats().maxTaskTime(), pool.stats().toString());
        }
    }

    /**
     * A task's context ends when the task returns, which runs the callbacks the task registered on
     * it (user code) on the worker: their time is not part of the next task's run time either.
     */
    @Test
    void theContextCallbacksOfATaskAreNotTimedAsTheNextTask() throws Exception {
        ManualClock clock = new ManualClock();
        try (WorkerPool pool = goflow.workerPool().workers(1).clock(clock).build()) {
            Gate gate = new Gate();
            pool.submit(gate.task("gate"));
            gate.awaitStarted();
            CompletableFuture<TaskResult<String>> first = pool.submit(ctx -> {
                ctx.onDone(() -> clock.advance(Duration.ofSeconds(5))); // runs when the task is over
                return "first";
            });
            CompletableFuture<TaskResult<String>> next = pool.submit(ctx -> "next");
            gate.release.countDown();
            assertEquals(Duration.ZERO, first.get(30, TimeUnit.SECONDS).duration());
            TaskResult<String> r = next.get(30, TimeUnit.SECONDS);
            assertEquals("next", r.valueOrThrow());
            assertEquals(Duration.ZERO, r.duration(), "the next task's run time");
        }
    }

    @Test
    void theSettingIsMadeOnce() {
        var builder = goflow.workerPool().measureTaskTimes(false);
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> builder.measureTaskTimes(true));
        assertTrue(e.getMessage().contains("measureTaskTimes"), e.getMessage());
        assertTrue(goflow.registry().primitives().isEmpty(), "nothing registered");
    }
}
