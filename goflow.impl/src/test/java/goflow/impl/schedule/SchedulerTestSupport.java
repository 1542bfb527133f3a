package goflow.impl.schedule;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;

import goflow.api.schedule.Scheduler;
import goflow.api.schedule.SchedulerBuilder;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/** A manual clock, a GoFlow on it, and a way to let the scheduler catch up with the clock. */
abstract class SchedulerTestSupport extends NoThreadLeaks.LeakCheckedTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final ManualClock clock = new ManualClock(T0);
    final GoFlowImpl goflow = new GoFlowImpl(clock, "test");

    @AfterEach
    void closeGoFlow() {
        goflow.close();
    }

    SchedulerBuilder builder() {
        return goflow.scheduler().workers(2);
    }

    /** Waits until the scheduler handled every task due by now and no run is active. */
    static void settle(Scheduler scheduler, ManualClock clock) {
        SchedulerImpl impl = (SchedulerImpl) scheduler;
        Eventually.until(() -> impl.processedNanos() >= clock.nanoTime() && impl.stats().activeRuns() == 0);
    }

    void settle(Scheduler scheduler) {
        settle(scheduler, clock);
    }

    /** Advances the clock in steps of {@code step}, letting the scheduler catch up after each. */
    void advance(Scheduler scheduler, Duration step, int times) {
        for (int i = 0; i < times; i++) {
            clock.advance(step);
            settle(scheduler);
        }
    }

    Instant at(Duration sinceStart) {
        return T0.plus(sinceStart);
    }
}
