package goflow.impl.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.LogCapture;

/**
 * A given executor that rejects every run (full, or shut down by its owner) fails each run, as
 * documented; the WARNING saying so comes once, not at every due time, until a run starts again.
 */
class SchedulerRejectedRunsLogTest extends SchedulerTestSupport {
    @RegisterExtension
    final LogCapture log = new LogCapture(ScheduledRun.class.getName());

    private long warnings() {
        return log.records().stream().filter(r -> r.getLevel() == Level.WARNING).count();
    }

    @Test
    void aRejectingExecutorIsSaidOnceUntilARunStartsAgain() {
        AtomicBoolean full = new AtomicBoolean(true);
        Scheduler s = goflow.scheduler().stopTimeout(Duration.ZERO).executor(r -> {
            if (full.get()) {
                throw new RejectedExecutionException("queue full");
            }
            r.run();
        }).build();
        s.start();
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask t = s.every(Duration.ofSeconds(1), ctx -> runs.incrementAndGet());
        advance(s, Duration.ofSeconds(1), 5);
        Eventually.until(() -> t.runCount() == 5);
        assertEquals(5, t.failureCount(), "every rejected run is a failed run");
        assertEquals(1, warnings(), () -> "said once: " + log.lines());

        full.set(false);
        advance(s, Duration.ofSeconds(1), 1);
        Eventually.until(() -> runs.get() == 1);
        full.set(true);
        advance(s, Duration.ofSeconds(1), 3);
        Eventually.until(() -> t.runCount() == 9);
        assertEquals(2, warnings(), () -> "said again after a run started in between: " + log.lines());
        s.close();
    }
}
