package goflow.impl.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.schedule.Scheduler;
import goflow.impl.testing.Async;
import goflow.impl.testing.Eventually;

/**
 * Edges of the scheduler thread and of stopping and closing: a stuck job, a job that leaves its
 * thread interrupted, scheduling while a close is under way.
 */
class SchedulerStopEdgeTest extends SchedulerTestSupport {

    /**
     * An executor that runs the job on the calling thread (the scheduler thread), with a job that
     * ignores its context: stop(ZERO) must return at once, not wait a further 10 s for the
     * scheduler thread that the job holds.
     */
    @Test
    void stopReturnsWithinItsTimeoutWhileAStuckJobHoldsTheSchedulerThread() throws Exception {
        Scheduler s = goflow.scheduler().executor(Runnable::run).build();
        s.start();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        s.once(Duration.ZERO, ctx -> {
            running.countDown();
            Async.awaitIgnoringInterrupts(release);
        });
        assertTrue(running.await(30, TimeUnit.SECONDS));
        try {
            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> s.stop(Duration.ZERO),
                    r -> new Thread(r, "stopper").start());
            // the documented bound is the timeout, zero here (5 s of slack for a slow machine)
            assertFalse(stopped.get(5, TimeUnit.SECONDS));
            assertFalse(s.isRunning());
        } finally {
            release.countDown();
        }
    }

    /**
     * A task scheduled while close() waits for a stuck run would be accepted (SCHEDULED) and then
     * cancelled by the close without ever running: it must be refused, as start() is.
     */
    @Test
    void schedulingWhileACloseWaitsForRunsIsRefused() throws Exception {
        Scheduler s = builder().stopTimeout(Duration.ofSeconds(5)).build();
        s.start();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        s.once(Duration.ZERO, ctx -> {
            running.countDown();
            Async.awaitIgnoringInterrupts(release);
        });
        assertTrue(running.await(30, TimeUnit.SECONDS));
        try {
            CompletableFuture<Void> closed = CompletableFuture.runAsync(s::close, r -> new Thread(r, "closer").start());
            // the closer waits on the clock for the stuck run (the scheduler thread has ended)
            Eventually.until(() -> clock.parkedThreads() == 1 && !s.isRunning());
            assertThrows(ClosedException.class, () -> s.once(Duration.ZERO, ctx -> { }));
            assertThrows(ClosedException.class, () -> s.task(ctx -> { }).id("late").every(Duration.ofSeconds(1)));
            assertEquals(1, s.tasks().size()); // only the stuck one
            clock.advance(Duration.ofSeconds(5));
            closed.get(30, TimeUnit.SECONDS);
        } finally {
            release.countDown();
        }
    }

    /**
     * Two jobs due together, run on the scheduler thread by a direct executor: the interrupt the first
     * leaves on the thread must not reach the second, which would see itself interrupted (its
     * first blocking call failing) although nobody cancelled it.
     */
    @Test
    void anInterruptLeftByOneJobDoesNotReachTheNextOnTheSameThread() throws Exception {
        Scheduler s = goflow.scheduler().executor(Runnable::run).build();
        s.start();
        AtomicBoolean secondSawInterrupt = new AtomicBoolean(true);
        CountDownLatch secondRan = new CountDownLatch(1);
        s.once(Duration.ofSeconds(1), ctx -> Thread.currentThread().interrupt());
        s.once(Duration.ofSeconds(1), ctx -> {
            secondSawInterrupt.set(Thread.currentThread().isInterrupted());
            secondRan.countDown();
        });
        try {
            Eventually.until(() -> clock.parkedThreads() >= 1);
            clock.advance(Duration.ofSeconds(1));
            assertTrue(secondRan.await(30, TimeUnit.SECONDS));
            assertFalse(secondSawInterrupt.get(), "the second job started interrupted");
        } finally {
            s.stop();
        }
    }

    /**
     * A job that an executor runs on the scheduler thread leaves that thread interrupted (it
     * restores the flag, as code that catches an InterruptedException should). An interrupted
     * thread's park returns at once, so the scheduler thread must not park with the flag still
     * set: it would spin, a core busy until the scheduler stops.
     */
    @Test
    void aJobLeavingTheSchedulerThreadInterruptedDoesNotMakeItSpin() {
        AtomicInteger parksAfterTheJob = new AtomicInteger();
        AtomicInteger interruptedParks = new AtomicInteger();
        CountDownLatch ran = new CountDownLatch(1);
        Clock watched = new Clock() {
            @Override
            public long nanoTime() {
                return clock.nanoTime();
            }

            @Override
            public Instant instant() {
                return clock.instant();
            }

            @Override
            public void parkNanos(Object blocker, long nanos) {
                if (ran.getCount() == 0 && Thread.currentThread().getName().startsWith("goflow-scheduler-")) {
                    parksAfterTheJob.incrementAndGet();
                    if (Thread.currentThread().isInterrupted()) {
                        interruptedParks.incrementAndGet();
                    }
                }
                clock.parkNanos(blocker, nanos);
            }
        };
        Scheduler s = goflow.scheduler().clock(watched).executor(Runnable::run).build();
        s.start();
        s.once(Duration.ZERO, ctx -> {
            Thread.currentThread().interrupt();
            ran.countDown();
        });
        try {
            Eventually.until(() -> parksAfterTheJob.get() >= 3);
            assertEquals(0, interruptedParks.get(), "parks of the scheduler thread with an interrupt pending");
        } finally {
            s.stop();
        }
    }
}
