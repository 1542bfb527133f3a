package goflow.impl.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.schedule.Backoff;
import goflow.api.schedule.RunOutcome;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.api.testing.ManualClock;
import goflow.impl.testing.NoThreadLeaks;

/**
 * The code examples and the concrete claims of docs/scheduler.md, compiled and run on a
 * {@link ManualClock}. Keep the bodies in step with the page.
 */
class SchedulerDocExamplesTest extends NoThreadLeaks.LeakCheckedTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theFirstExample() {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-24T17:00:00Z"));
        AtomicInteger warmUps = new AtomicInteger();
        AtomicInteger uploads = new AtomicInteger();
        try (GoFlow goflow = GoFlow.load()) {
            Scheduler scheduler = goflow.scheduler()
                    .name("jobs")
                    .workers(2)
                    .zone(ZoneId.of("Europe/Berlin"))
                    .clock(clock)
                    .build();
            assertFalse(scheduler.isRunning());                    // built stopped
            scheduler.start();

            scheduler.once(Duration.ofSeconds(30), ctx -> warmUps.incrementAndGet());
            scheduler.at(Instant.parse("2026-12-24T18:00:00Z"), ctx -> { });
            scheduler.every(Duration.ofMinutes(5), ctx -> { });
            scheduler.withFixedDelay(Duration.ofSeconds(10), ctx -> { });
            ScheduledTask report = scheduler.cron("0 9 * * MON-FRI", ctx -> { });
            assertEquals(Instant.parse("2026-12-25T08:00:00Z"), report.nextRun().orElseThrow());

            ScheduledTask upload = scheduler.task(ctx -> uploads.incrementAndGet())
                    .id("upload")
                    .retry(Backoff.exponential(5, Duration.ofSeconds(1), Duration.ofMinutes(1)))
                    .once(Duration.ZERO);
            Awaitility.await().atMost(WAIT).until(() -> upload.state() == ScheduledTask.State.DONE);
            assertEquals(1, upload.runCount());
            assertEquals(RunOutcome.Status.SUCCEEDED, upload.lastOutcome().orElseThrow().status());
            assertFalse(scheduler.tasks().contains(upload));       // finished tasks leave tasks()
            assertEquals("upload", upload.id());                   // their handles stay readable
            assertFalse(upload.cancel());

            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("goflow-scheduler-jobs-1")));
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().startsWith("goflow-worker-pool-jobs-pool-")),
                    () -> Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList().toString());

            assertTrue(scheduler.stop());
            scheduler.close();
        }
    }

    @Test
    void periodsUnderOneMillisecondAreRejected() {
        try (GoFlow goflow = GoFlow.load()) {
            Scheduler scheduler = goflow.scheduler().name("jobs").build();
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> scheduler.every(Duration.ofNanos(1), ctx -> { }));
            assertEquals("jobs: invalid period=PT0.000000001S (must be at least 1 ms; a shorter period keeps a core "
                    + "busy with scheduling) - the time between the starts of two runs", e.getMessage());
            assertThrows(InvalidConfigException.class, () -> scheduler.task(ctx -> { })
                    .retry(Backoff.exponential(1, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                    .every(Duration.ofSeconds(1)));                  // retry on a repeating task
            assertEquals(List.of(), scheduler.tasks());
        }
    }

    @Test
    void retriesWaitInitialDelayTimesMultiplier() {
        ManualClock clock = new ManualClock(Instant.parse("2026-06-01T05:00:00Z"));
        AtomicInteger calls = new AtomicInteger();
        try (GoFlow goflow = GoFlow.load()) {
            Scheduler scheduler = goflow.scheduler().clock(clock).workers(1).build();
            scheduler.start();
            ScheduledTask t = scheduler.task(ctx -> {
                calls.incrementAndGet();
                throw new IllegalStateException("flaky");
            }).retry(new Backoff(4, Duration.ofMillis(500), Duration.ofSeconds(10), 2.0))
                    .at(Instant.parse("2026-06-01T06:00:00Z"));
            clock.advance(Duration.ofHours(1));
            Awaitility.await().atMost(WAIT).until(() -> t.runCount() == 1);
            for (long[] step : new long[][] {{499, 500}, {999, 1000}, {1999, 2000}, {3999, 4000}}) {
                long before = t.runCount();
                Awaitility.await().atMost(WAIT).until(() -> clock.parkedThreads() > 0 && t.activeRuns() == 0);
                clock.advance(Duration.ofMillis(step[0]));
                assertEquals(before, t.runCount(), "retry came early: " + step[1] + " ms");
                clock.advance(Duration.ofMillis(1));
                Awaitility.await().atMost(WAIT).until(() -> t.runCount() == before + 1);
            }
            Awaitility.await().atMost(WAIT).until(() -> t.state() == ScheduledTask.State.DONE);
            assertEquals(5, calls.get());
            assertEquals(RunOutcome.Status.FAILED, t.lastOutcome().orElseThrow().status());
            scheduler.close();
        }
    }

    @Test
    void testingWithAManualClock() {
        try (GoFlow goflow = GoFlow.load()) {
            ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
            Scheduler scheduler = goflow.scheduler().clock(clock).workers(1).build();
            scheduler.start();
            AtomicInteger runs = new AtomicInteger();
            scheduler.every(Duration.ofSeconds(10), ctx -> runs.incrementAndGet());
            clock.advance(Duration.ofSeconds(10));
            Awaitility.await().atMost(WAIT).until(() -> runs.get() == 1);
            scheduler.close();
        }
    }
}
