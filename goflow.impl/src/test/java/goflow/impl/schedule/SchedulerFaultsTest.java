package goflow.impl.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.Registration;
import goflow.api.pool.WorkerPool;
import goflow.api.pool.WorkerPoolBuilder;
import goflow.api.schedule.Lease;
import goflow.api.schedule.LeaseProvider;
import goflow.api.schedule.RunOutcome;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.MemoryLeases;

/** Fault paths of the scheduler found in review. */
class SchedulerFaultsTest extends SchedulerTestSupport {

    /**
     * A given executor whose execute throws an Error (the JDK's executors throw
     * OutOfMemoryError "unable to create native thread" when a thread cannot be started) must be
     * recorded like a RejectedExecutionException: the run failed, the schedule continues. It must
     * not leave the run active forever (under SKIP every later run would be skipped, and stop()
     * would wait its whole timeout).
     */
    @Test
    void anExecutorThrowingAnErrorRecordsAFailedRunAndTheScheduleContinues() {
        AtomicInteger calls = new AtomicInteger();
        Scheduler s = goflow.scheduler().stopTimeout(Duration.ZERO).executor(r -> {
            if (calls.incrementAndGet() == 1) {
                throw new OutOfMemoryError("unable to create native thread");
            }
            r.run();
        }).build();
        s.start();
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask t = s.every(Duration.ofSeconds(1), ctx -> runs.incrementAndGet());
        clock.advance(Duration.ofSeconds(1));
        Eventually.until(() -> t.runCount() == 1);
        assertEquals(0, t.activeRuns());
        RunOutcome first = t.lastOutcome().orElseThrow();
        assertEquals(RunOutcome.Status.FAILED, first.status());
        assertInstanceOf(OutOfMemoryError.class, first.failure());
        advance(s, Duration.ofSeconds(1), 1);
        assertEquals(1, runs.get());
        assertEquals(2, t.runCount());
        assertEquals(0, t.skippedCount());
        assertTrue(s.stop(Duration.ZERO));
    }

    /**
     * A lease provider that throws an Error (e.g. a NoClassDefFoundError once the bundle that
     * provides it was updated) must end the run, not leave it active forever.
     */
    @Test
    void aLeaseProviderThrowingAnErrorEndsTheRun() {
        MemoryLeases.Node store = new MemoryLeases(clock).node("a");
        AtomicInteger calls = new AtomicInteger();
        LeaseProvider flaky = new LeaseProvider() {
            @Override
            public Optional<Lease> tryAcquire(String name, Duration ttl) {
                if (calls.incrementAndGet() == 1) {
                    throw new NoClassDefFoundError("goflow/redis/RedisLease");
                }
                return store.tryAcquire(name, ttl);
            }
        };
        Scheduler s = goflow.scheduler().stopTimeout(Duration.ZERO).workers(1).build();
        s.start();
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask t = s.task(ctx -> runs.incrementAndGet()).oncePerCluster(flaky, Duration.ofSeconds(3))
                .every(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        Eventually.until(() -> calls.get() >= 1 && t.activeRuns() == 0);
        assertInstanceOf(NoClassDefFoundError.class, t.lastOutcome().orElseThrow().failure());
        assertEquals(RunOutcome.Status.FAILED, t.lastOutcome().orElseThrow().status());
        advance(s, Duration.ofSeconds(1), 1);
        assertEquals(1, runs.get());
        assertEquals(0, t.activeRuns());
        assertTrue(s.stop(Duration.ZERO));
    }

    private static boolean threadAlive(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(th -> th.getName().startsWith(prefix));
    }

    /**
     * close() stops first (waiting up to the stop timeout for active runs) and only then marks the
     * scheduler closed. A start() in that window succeeded and started a new scheduler thread and
     * own pool, which the close then never stopped: after close() returned, the scheduler thread
     * ran for ever and start() of the "closed" scheduler had worked.
     */
    @Test
    void aStartWhileCloseWaitsForRunsDoesNotOutliveTheClose() throws Exception {
        Scheduler s = goflow.scheduler().name("closing").workers(1).stopTimeout(Duration.ofHours(1)).build();
        s.start();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        s.once(Duration.ZERO, ctx -> {
            running.countDown();
            release.await(); // ignores its context: close() waits for it
        });
        assertTrue(running.await(30, TimeUnit.SECONDS));
        CompletableFuture<Void> closed = CompletableFuture.runAsync(s::close, r -> new Thread(r, "closer").start());
        // the closer is parked in stop(), waiting for the run; the first scheduler thread has ended
        Eventually.until(() -> clock.parkedThreads() == 1 && !s.isRunning()
                && !threadAlive("goflow-scheduler-closing-"));
        try {
            s.start(); // racing the close: refused, or undone by it
        } catch (ClosedException expected) {
            // the fix refuses it
        }
        release.countDown();
        closed.get(30, TimeUnit.SECONDS);
        assertFalse(s.isRunning());
        assertThrows(ClosedException.class, s::start);
        Eventually.until(() -> !threadAlive("goflow-scheduler-closing-")
                && !threadAlive("goflow-worker-pool-closing-pool"));
    }

    /**
     * workers(n) above what the own pool may have (WorkerPoolBuilder.DEFAULT_MAX_WORKERS) was
     * accepted by the setter and by build(), and failed only at start(), with the own pool's
     * error: the builder promises that each setter validates its argument at once.
     */
    @Test
    void tooManyWorkersForTheOwnPoolAreRejectedByTheSetter() {
        int tooMany = WorkerPoolBuilder.DEFAULT_MAX_WORKERS + 1;
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> goflow.scheduler().workers(tooMany));
        assertEquals("workers", e.field());
        assertTrue(e.getMessage().contains(String.valueOf(WorkerPoolBuilder.DEFAULT_MAX_WORKERS)), e.getMessage());
        goflow.scheduler().workers(WorkerPoolBuilder.DEFAULT_MAX_WORKERS); // the largest accepted
    }

    /**
     * "@every" is a fixed rate, and the missed runs of a late scheduler count as skipped. A late
     * "@every 1ms" cron task counted at most 10000 of them (the cap of the calendar search), while
     * the same every(1ms) task counted all 59999.
     */
    @Test
    void aLateEveryCronCountsEveryMissedRunLikeAFixedRate() {
        Scheduler s = builder().build();
        s.start();
        ScheduledTask cron = s.cron("@every 1ms", ctx -> { });
        ScheduledTask rate = s.every(Duration.ofMillis(1), ctx -> { });
        advance(s, Duration.ofSeconds(60), 1);
        assertEquals(1, rate.runCount());
        assertEquals(1, cron.runCount());
        assertEquals(59_999, rate.skippedCount());
        assertEquals(59_999, cron.skippedCount());
        assertEquals(rate.nextRun(), cron.nextRun());
        assertTrue(s.stop());
    }

    /**
     * start() whose scheduler thread cannot be started (OutOfMemoryError "unable to create native
     * thread") fails with that error and leaves the scheduler stopped, its own pool shut down and
     * unregistered - not "running" with nothing dispatching; a later start() works.
     */
    @Test
    void aStartWhoseThreadCannotStartLeavesTheSchedulerStoppedAndCanBeRetried() {
        SchedulerImpl s = (SchedulerImpl) builder().name("no-thread").build();
        OutOfMemoryError noThread = new OutOfMemoryError("unable to create native thread: test");
        s.loopThreads = r -> new Thread(r) {
            @Override
            public synchronized void start() {
                throw noThread;
            }
        };
        AtomicInteger runs = new AtomicInteger();
        s.once(Duration.ofSeconds(1), ctx -> runs.incrementAndGet());
        assertSame(noThread, assertThrows(OutOfMemoryError.class, s::start));
        assertFalse(s.isRunning());
        assertEquals(List.of(), goflow.registry().primitives().stream()
                .filter(p -> p.kind() == Primitive.Kind.WORKER_POOL).map(Primitive::name).toList(),
                "the own pool of the failed start is gone");
        s.loopThreads = Thread::new;
        s.start();
        assertTrue(s.isRunning());
        advance(s, Duration.ofSeconds(1), 1);
        assertEquals(1, runs.get());
        assertTrue(s.stop(Duration.ZERO));
    }

    /**
     * More one-shot runs due at one instant than the own pool can queue (256 + its workers) are
     * delayed until the pool has room, not failed: a one-shot task whose run failed that way would
     * never run. (The own pool used to reject them: 43 of these 300 ended FAILED.)
     */
    @Test
    void runsBeyondTheOwnPoolsQueueWaitForRoomInsteadOfFailing() throws Exception {
        Scheduler s = goflow.scheduler().name("burst").workers(1).build();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        List<ScheduledTask> tasks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            tasks.add(s.once(Duration.ofSeconds(1), ctx -> {
                if (ran.incrementAndGet() == 1) {
                    assertTrue(release.await(60, TimeUnit.SECONDS)); // holds the one worker
                }
            }));
        }
        s.start();
        settle(s); // the scheduler thread waits for the due time before the clock moves
        clock.advance(Duration.ofSeconds(1));
        WorkerPool pool = goflow.registry().find("burst-pool", WorkerPool.class).orElseThrow();
        Eventually.until(() -> pool.stats().submitted() >= 256); // as many as it holds: the scheduler thread waits
        release.countDown();
        settle(s);
        assertEquals(300, ran.get());
        for (ScheduledTask t : tasks) {
            assertEquals(RunOutcome.Status.SUCCEEDED, t.lastOutcome().orElseThrow().status(), t.id());
        }
        assertTrue(s.stop(Duration.ZERO));
    }

    /** stop() while the scheduler thread waits for room in its own pool: the waiting run is cancelled. */
    @Test
    void stopWhileTheSchedulerThreadWaitsForRoomEndsEveryRun() throws Exception {
        Scheduler s = goflow.scheduler().name("burst-stop").workers(1).stopTimeout(Duration.ofSeconds(30)).build();
        CountDownLatch holding = new CountDownLatch(1);
        List<ScheduledTask> tasks = new ArrayList<>();
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 300; i++) {
            tasks.add(s.once(Duration.ofSeconds(1), ctx -> {
                if (ran.incrementAndGet() == 1) {
                    holding.countDown();
                    while (!ctx.isDone()) {
                        LockSupport.parkNanos(1_000_000); // until stop cancels it
                    }
                }
            }));
        }
        s.start();
        settle(s); // the scheduler thread waits for the due time before the clock moves
        clock.advance(Duration.ofSeconds(1));
        WorkerPool pool = goflow.registry().find("burst-stop-pool", WorkerPool.class).orElseThrow();
        assertTrue(holding.await(60, TimeUnit.SECONDS));
        Eventually.until(() -> pool.stats().submitted() >= 256); // as many as it holds: the scheduler thread waits
        assertTrue(s.stop());
        assertEquals(1, ran.get(), "no run starts once stop() has begun");
        assertEquals(0, ((SchedulerImpl) s).stats().activeRuns());
        long succeeded = 0;
        for (ScheduledTask t : tasks) {
            RunOutcome.Status status = t.lastOutcome().map(RunOutcome::status).orElse(null);
            if (status == RunOutcome.Status.SUCCEEDED) {
                succeeded++; // the one that ran, returning once stop cancelled its context
            } else {
                assertTrue(status == RunOutcome.Status.CANCELLED || status == null, t.id() + ": " + status);
            }
        }
        assertEquals(1, succeeded);
    }

    /**
     * A job may throw a {@link Throwable} that is neither an Exception nor an Error: Job.run
     * declares Exception, but Kotlin or Scala code, or a sneaky throw, is not held to it. The run
     * must still end (FAILED, the throwable in lastOutcome()) on the own pool as on a given
     * executor: left active, every later run of the task would be skipped and stop() would wait
     * its whole timeout.
     */
    @Test
    void aJobThrowingAPlainThrowableEndsItsRunAndTheScheduleContinues() {
        Scheduler onPool = builder().stopTimeout(Duration.ZERO).build();
        Scheduler onExecutor = goflow.scheduler().stopTimeout(Duration.ZERO).executor(r -> {
            try {
                r.run();
            } catch (Throwable escaped) {
                // an executor's thread would die here; the run must have ended before
            }
        }).build();
        for (Scheduler s : List.of(onPool, onExecutor)) {
            s.start();
            AtomicInteger runs = new AtomicInteger();
            ScheduledTask t = s.every(Duration.ofSeconds(1), ctx -> {
                if (runs.incrementAndGet() == 1) {
                    sneakyThrow(new PlainThrowable());
                }
            });
            clock.advance(Duration.ofSeconds(1));
            Eventually.until(() -> t.runCount() == 1);
            assertEquals(0, t.activeRuns());
            RunOutcome first = t.lastOutcome().orElseThrow();
            assertEquals(RunOutcome.Status.FAILED, first.status());
            assertInstanceOf(PlainThrowable.class, first.failure());
            clock.advance(Duration.ofSeconds(1));
            Eventually.until(() -> t.runCount() == 2);
            assertEquals(2, runs.get());
            assertEquals(0, t.skippedCount());
            assertEquals(1, s.stats().failed());
            assertEquals(1, s.stats().succeeded());
            assertTrue(s.stop(Duration.ZERO));
        }
    }

    /**
     * {@link goflow.api.Clock#nanoTime()} has an arbitrary origin: only differences count. The due
     * queue must order tasks by their due times whatever the origin: with a clock whose counter
     * reads just under 2^62, a task due in 200 years (clamped to about 73) once sorted before one
     * due in a second, stayed at the head for ever, and the scheduler never ran anything else.
     */
    @Test
    void theDueQueueOrdersTasksWhateverTheOriginOfTheMonotonicClock() {
        long origin = (1L << 62) - TimeUnit.HOURS.toNanos(1);
        Clock shifted = new Clock() {
            @Override
            public long nanoTime() {
                return origin + clock.nanoTime();
            }

            @Override
            public Instant instant() {
                return clock.instant();
            }

            @Override
            public void parkNanos(Object blocker, long nanos) {
                clock.parkNanos(blocker, nanos);
            }

            @Override
            public Registration schedule(long deadlineNanos, Runnable action) {
                return clock.schedule(deadlineNanos - origin, action);
            }
        };
        Scheduler s = goflow.scheduler().clock(shifted).workers(1).build();
        s.start();
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask far = s.once(Duration.ofDays(365L * 200), ctx -> runs.addAndGet(1000));
        ScheduledTask soon = s.every(Duration.ofSeconds(1), ctx -> runs.incrementAndGet());
        for (int i = 1; i <= 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            int expected = i;
            Eventually.until(() -> soon.runCount() == expected);
        }
        assertEquals(3, runs.get());
        assertEquals(ScheduledTask.State.SCHEDULED, far.state());
        assertTrue(s.stop(Duration.ZERO));
    }

    /** Neither an Exception nor an Error. */
    private static final class PlainThrowable extends Throwable {
        private static final long serialVersionUID = 1L;

        PlainThrowable() {
            super("neither an Exception nor an Error");
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }
}
