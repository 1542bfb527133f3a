package goflow.impl.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import goflow.api.ClosedException;
import goflow.api.schedule.Scheduler;
import goflow.impl.testing.Eventually;

/** Edges of stopping and closing a scheduler: a stuck job, scheduling while a close is under way. */
class SchedulerStopEdgeTest extends SchedulerTestSupport {

    /** Waits for {@code latch}, ignoring interrupts and the run's context, as a stuck job does. */
    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

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
            awaitIgnoringInterrupts(release);
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
            awaitIgnoringInterrupts(release);
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
}
