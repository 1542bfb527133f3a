package goflow.impl.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import goflow.api.schedule.RunOutcome;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.impl.testing.Eventually;

/** Fault paths of the scheduler found in review. */
class EdgeReviewSchedulerTest extends SchedulerTestSupport {

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
}
