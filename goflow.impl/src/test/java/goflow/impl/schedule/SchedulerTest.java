package goflow.impl.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import goflow.api.ClosedException;
import goflow.api.context.CancelledException;
import goflow.api.pool.WorkerPool;
import goflow.api.schedule.OverlapPolicy;
import goflow.api.schedule.RunOutcome;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.impl.testing.Eventually;

class SchedulerTest extends SchedulerTestSupport {

    @Test
    void onceRunsAfterTheDelayAndIsThenDone() {
        Scheduler s = builder().build();
        s.start();
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask t = s.once(Duration.ofSeconds(5), ctx -> runs.incrementAndGet());
        assertEquals(Optional.of(at(Duration.ofSeconds(5))), t.nextRun());
        assertEquals(List.of(t), s.tasks());
        advance(s, Duration.ofSeconds(1), 4);
        assertEquals(0, runs.get());
        advance(s, Duration.ofSeconds(1), 1);
        assertEquals(1, runs.get());
        assertEquals(ScheduledTask.State.DONE, t.state());
        assertEquals(1, t.runCount());
        assertEquals(RunOutcome.Status.SUCCEEDED, t.lastOutcome().orElseThrow().status());
        assertEquals(at(Duration.ofSeconds(5)), t.lastOutcome().orElseThrow().started());
        assertEquals(Optional.empty(), t.nextRun());
        assertEquals(List.of(), s.tasks());
        assertEquals(Optional.empty(), s.task(t.id()));
        advance(s, Duration.ofSeconds(10), 1);
        assertEquals(1, runs.get());
    }

    @Test
    void atRunsAtTheInstantAndAPastInstantAtOnce() {
        Scheduler s = builder().build();
        s.start();
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask later = s.at(at(Duration.ofSeconds(10)), ctx -> runs.incrementAndGet());
        ScheduledTask past = s.at(T0.minusSeconds(60), ctx -> runs.incrementAndGet());
        settle(s);
        Eventually.until(() -> past.state() == ScheduledTask.State.DONE);
        assertEquals(1, runs.get());
        advance(s, Duration.ofSeconds(9), 1);
        assertEquals(1, runs.get());
        advance(s, Duration.ofSeconds(1), 1);
        assertEquals(2, runs.get());
        assertEquals(ScheduledTask.State.DONE, later.state());
    }

    @Test
    void fixedRateRunsEveryPeriodFromTheSchedulingCall() {
        Scheduler s = builder().build();
        s.start();
        List<Instant> times = new CopyOnWriteArrayList<>();
        ScheduledTask t = s.every(Duration.ofSeconds(2), ctx -> times.add(clock.instant()));
        assertEquals("every PT2S", t.schedule());
        advance(s, Duration.ofSeconds(1), 7);
        assertEquals(List.of(at(Duration.ofSeconds(2)), at(Duration.ofSeconds(4)), at(Duration.ofSeconds(6))), times);
        assertEquals(3, t.runCount());
        assertEquals(Optional.of(at(Duration.ofSeconds(8))), t.nextRun());
        assertEquals(ScheduledTask.State.SCHEDULED, t.state());
    }

    @Test
    void fixedRateWithInitialDelayZeroRunsAtOnce() {
        Scheduler s = builder().build();
        s.start();
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask t = s.task(ctx -> runs.incrementAndGet()).id("now").initialDelay(Duration.ZERO)
                .every(Duration.ofSeconds(10));
        settle(s);
        Eventually.until(() -> runs.get() == 1);
        assertEquals("now", t.id());
        assertEquals(Optional.of(at(Duration.ofSeconds(10))), t.nextRun());
    }

    @Test
    void aLateSchedulerDoesNotCatchUpMissedRuns() {
        Scheduler s = builder().build();
        s.start();
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask t = s.every(Duration.ofSeconds(1), ctx -> runs.incrementAndGet());
        clock.advance(Duration.ofMillis(5500)); // the scheduler sees 5.5 s at once: due at 1 s, missed 2..5 s
        settle(s);
        assertEquals(1, runs.get());
        assertEquals(4, t.skippedCount());
        assertEquals(Optional.of(at(Duration.ofSeconds(6))), t.nextRun());
        advance(s, Duration.ofMillis(500), 1);
        assertEquals(2, runs.get());
    }

    @Test
    void fixedDelayCountsFromTheEndOfTheRun() {
        Scheduler s = builder().build();
        s.start();
        List<Instant> starts = new CopyOnWriteArrayList<>();
        ScheduledTask t = s.withFixedDelay(Duration.ofSeconds(2), ctx -> {
            starts.add(clock.instant());
            clock.advance(Duration.ofSeconds(1)); // the run takes 1 s of clock time
        });
        assertEquals("every PT2S after completion", t.schedule());
        advance(s, Duration.ofSeconds(2), 1); // runs 2 s -> 3 s
        assertEquals(List.of(at(Duration.ofSeconds(2))), starts);
        assertEquals(Optional.of(at(Duration.ofSeconds(5))), t.nextRun());
        advance(s, Duration.ofSeconds(1), 1); // 4 s
        assertEquals(1, starts.size());
        advance(s, Duration.ofSeconds(1), 1); // 5 s: runs 5 -> 6
        assertEquals(List.of(at(Duration.ofSeconds(2)), at(Duration.ofSeconds(5))), starts);
        assertEquals(Duration.ofSeconds(1), t.lastOutcome().orElseThrow().duration());
    }

    @Test
    void cronFiresOnTheWallClockOfItsZone() {
        // 2026-03-28 23:00 UTC; Berlin springs forward at 2026-03-29 01:00 UTC (02:00 CET -> 03:00 CEST)
        Scheduler s = builder().zone(ZoneId.of("Europe/Berlin")).build();
        s.start();
        clock.advance(Duration.between(T0, Instant.parse("2026-03-28T23:00:00Z")));
        settle(s);
        List<Instant> times = new CopyOnWriteArrayList<>();
        ScheduledTask t = s.cron("30 2 * * *", ctx -> times.add(clock.instant()));
        assertEquals("cron 30 2 * * * (Europe/Berlin)", t.schedule());
        Instant gapEnd = Instant.parse("2026-03-29T01:00:00Z");
        assertEquals(Optional.of(gapEnd), t.nextRun());
        advance(s, Duration.ofMinutes(30), 3); // 00:30 UTC
        assertEquals(List.of(), times);
        advance(s, Duration.ofMinutes(30), 1); // 01:00 UTC = 03:00 CEST
        assertEquals(List.of(gapEnd), times);
        assertEquals(Optional.of(Instant.parse("2026-03-30T00:30:00Z")), t.nextRun());
        clock.advance(Duration.between(clock.instant(), Instant.parse("2026-03-30T00:30:00Z")));
        settle(s);
        assertEquals(List.of(gapEnd, Instant.parse("2026-03-30T00:30:00Z")), times);
    }

    @Test
    void anIntervalCronJobKeepsRunningThroughTheRepeatedHour() {
        // Berlin falls back at 2026-10-25 01:00 UTC (03:00 CEST -> 02:00 CET): 02:00-02:59 happens twice
        Scheduler s = builder().zone(ZoneId.of("Europe/Berlin")).build();
        s.start();
        clock.advance(Duration.between(T0, Instant.parse("2026-10-24T23:50:00Z"))); // 01:50 CEST
        settle(s);
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        List<String> quarterly = new CopyOnWriteArrayList<>();
        List<String> daily = new CopyOnWriteArrayList<>();
        s.cron("*/15 * * * *", ctx -> quarterly.add(clock.instant().atZone(berlin).toOffsetDateTime().toString()));
        s.cron("30 2 * * *", ctx -> daily.add(clock.instant().atZone(berlin).toOffsetDateTime().toString()));
        advance(s, Duration.ofMinutes(5), 30); // to 03:20 CET
        assertEquals(List.of("2026-10-25T02:00+02:00", "2026-10-25T02:15+02:00", "2026-10-25T02:30+02:00",
                "2026-10-25T02:45+02:00", "2026-10-25T02:00+01:00", "2026-10-25T02:15+01:00", "2026-10-25T02:30+01:00",
                "2026-10-25T02:45+01:00", "2026-10-25T03:00+01:00", "2026-10-25T03:15+01:00"), quarterly);
        assertEquals(List.of("2026-10-25T02:30+02:00"), daily);
    }

    @Test
    void aCronTaskWithNoFireTimeLeftIsDone() {
        goflow.api.testing.ManualClock end = new goflow.api.testing.ManualClock(Instant.parse("+999999999-12-31T22:30:00Z"));
        Scheduler s = goflow.scheduler().workers(1).clock(end).zone(java.time.ZoneOffset.UTC).build();
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask whileStopped = s.cron("0 0 1 1 *", ctx -> runs.incrementAndGet());
        ScheduledTask hourlyWhileStopped = s.cron("30 * * * *", ctx -> runs.incrementAndGet());
        s.start(); // the end of the time line is no reason for start() to fail
        assertTrue(s.isRunning());
        assertEquals(ScheduledTask.State.DONE, whileStopped.state());
        assertEquals(Optional.of(Instant.parse("+999999999-12-31T23:30:00Z")), hourlyWhileStopped.nextRun());
        ScheduledTask yearly = s.cron("@yearly", ctx -> runs.incrementAndGet());
        assertEquals(ScheduledTask.State.DONE, yearly.state());
        assertEquals(Optional.empty(), yearly.nextRun());
        ScheduledTask hourly = s.cron("0 * * * *", ctx -> runs.incrementAndGet());
        assertEquals(Optional.of(Instant.parse("+999999999-12-31T23:00:00Z")), hourly.nextRun());
        end.advance(Duration.ofMinutes(30));
        settle(s, end);
        assertEquals(1, runs.get()); // its last run, then nothing follows
        assertEquals(ScheduledTask.State.DONE, hourly.state());
        assertEquals(RunOutcome.Status.SUCCEEDED, hourly.lastOutcome().orElseThrow().status());
        assertEquals(List.of(hourlyWhileStopped), s.tasks());
        end.advance(Duration.ofMinutes(30));
        settle(s, end);
        assertEquals(2, runs.get());
        assertEquals(ScheduledTask.State.DONE, hourlyWhileStopped.state());
        assertEquals(List.of(), s.tasks());
        assertTrue(s.stop());
    }

    @Test
    void cronEveryMinuteAndTimeZonePrefix() {
        Scheduler s = builder().zone(ZoneId.of("UTC")).build();
        s.start();
        AtomicInteger minutely = new AtomicInteger();
        AtomicInteger tokyoNine = new AtomicInteger();
        ScheduledTask m = s.cron("* * * * *", ctx -> minutely.incrementAndGet());
        ScheduledTask k = s.cron(goflow.cron("TZ=Asia/Tokyo 0 9 * * *", ZoneId.of("UTC")), ctx -> tokyoNine.incrementAndGet());
        assertEquals(Optional.of(at(Duration.ofMinutes(1))), m.nextRun());
        assertEquals(Optional.of(at(Duration.ofHours(24))), k.nextRun()); // 2026-01-02 09:00 JST = 00:00 UTC
        advance(s, Duration.ofSeconds(30), 6);
        assertEquals(3, minutely.get());
        assertEquals(0, tokyoNine.get());
        assertEquals(List.of(m, k), s.tasks());
    }

    @Test
    void cronEveryDescriptorIsAFixedRate() {
        Scheduler s = builder().build();
        s.start();
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask t = s.cron("@every 1m30s", ctx -> runs.incrementAndGet());
        assertEquals(Optional.of(at(Duration.ofSeconds(90))), t.nextRun());
        advance(s, Duration.ofSeconds(30), 9);
        assertEquals(3, runs.get());
    }

    /**
     * After a stop, a restart continues a repeating task at its next regular time after now. For
     * {@code @every} (a fixed rate, like every) that is a whole number of periods after its last
     * due time, as for every(period): not one period after the restart, which would shift the
     * task's times by the length of each stop.
     */
    @Test
    void aRestartKeepsTheTimesOfAnEveryDescriptorLikeAFixedRate() {
        Scheduler s = builder().build();
        s.start();
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask cron = s.cron("@every 10s", ctx -> runs.incrementAndGet());
        ScheduledTask rate = s.every(Duration.ofSeconds(10), ctx -> runs.incrementAndGet());
        advance(s, Duration.ofSeconds(10), 1);
        assertEquals(2, runs.get());
        advance(s, Duration.ofSeconds(2), 1);
        assertTrue(s.stop());
        clock.advance(Duration.ofSeconds(13)); // 25 s: the due time 20 s passed while stopped
        s.start();
        assertEquals(Optional.of(at(Duration.ofSeconds(30))), rate.nextRun());
        assertEquals(Optional.of(at(Duration.ofSeconds(30))), cron.nextRun());
        advance(s, Duration.ofSeconds(5), 1);
        assertEquals(4, runs.get());
        assertTrue(s.stop());
    }

    @Test
    void aThrowingTaskKeepsItsSchedule() {
        Scheduler s = builder().build();
        s.start();
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask t = s.every(Duration.ofSeconds(1), ctx -> {
            if (runs.incrementAndGet() % 2 == 1) {
                throw new IllegalStateException("boom " + runs.get());
            }
            throw new AssertionError("an Error " + runs.get());
        });
        advance(s, Duration.ofSeconds(1), 3);
        assertEquals(3, t.runCount());
        assertEquals(3, t.failureCount());
        RunOutcome last = t.lastOutcome().orElseThrow();
        assertEquals(RunOutcome.Status.FAILED, last.status());
        assertEquals(3, last.run());
        assertInstanceOf(IllegalStateException.class, last.failure());
        assertEquals("boom 3", last.failure().getMessage());
        advance(s, Duration.ofSeconds(1), 1);
        assertInstanceOf(AssertionError.class, t.lastOutcome().orElseThrow().error().orElseThrow());
        assertEquals(ScheduledTask.State.SCHEDULED, t.state());
        assertEquals(Optional.of(at(Duration.ofSeconds(5))), t.nextRun());
        assertEquals(4, s.stats().failed());
        assertEquals(0, s.stats().succeeded());
    }

    @Test
    void overlappingRunsAreSkippedByDefault() throws Exception {
        Scheduler s = builder().build();
        s.start();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        ScheduledTask t = s.every(Duration.ofSeconds(1), ctx -> {
            started.incrementAndGet();
            release.await();
        });
        clock.advance(Duration.ofSeconds(1));
        Eventually.until(() -> started.get() == 1);
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            long now = clock.nanoTime();
            Eventually.until(() -> ((SchedulerImpl) s).processedNanos() >= now);
        }
        assertEquals(1, started.get());
        assertEquals(3, t.skippedCount());
        assertEquals(1, t.activeRuns());
        release.countDown();
        Eventually.until(() -> t.activeRuns() == 0);
        advance(s, Duration.ofSeconds(1), 1);
        assertEquals(2, started.get());
        assertEquals(2, t.runCount());
        assertEquals(3, s.stats().skipped());
    }

    @Test
    void overlapCanBeAllowed() throws Exception {
        Scheduler s = goflow.scheduler().workers(3).overlap(OverlapPolicy.ALLOW).build();
        s.start();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        ScheduledTask t = s.every(Duration.ofSeconds(1), ctx -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            release.await();
            concurrent.decrementAndGet();
        });
        for (int i = 1; i <= 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            int expected = i;
            Eventually.until(() -> concurrent.get() == expected);
        }
        assertEquals(3, t.activeRuns());
        assertEquals(0, t.skippedCount());
        release.countDown();
        Eventually.until(() -> t.runCount() == 3);
        assertEquals(3, maxConcurrent.get());
    }

    @Test
    void perTaskOverlapOverridesTheDefault() throws Exception {
        Scheduler s = goflow.scheduler().workers(3).overlap(OverlapPolicy.ALLOW).build();
        s.start();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        ScheduledTask t = s.task(ctx -> {
            started.incrementAndGet();
            release.await();
        }).overlap(OverlapPolicy.SKIP).every(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        Eventually.until(() -> started.get() == 1);
        clock.advance(Duration.ofSeconds(1));
        Eventually.until(() -> t.skippedCount() == 1);
        release.countDown();
        Eventually.until(() -> t.runCount() == 1);
        assertEquals(1, started.get());
    }

    @Test
    void cancellingATaskCancelsItsRunContextAndStopsIt() throws Exception {
        Scheduler s = builder().build();
        s.start();
        CountDownLatch running = new CountDownLatch(1);
        ScheduledTask t = s.every(Duration.ofSeconds(1), ctx -> {
            running.countDown();
            ctx.sleep(Duration.ofDays(1));
        });
        clock.advance(Duration.ofSeconds(1));
        running.await();
        assertTrue(t.cancel());
        assertFalse(t.cancel());
        Eventually.until(() -> t.runCount() == 1);
        RunOutcome last = t.lastOutcome().orElseThrow();
        assertEquals(RunOutcome.Status.CANCELLED, last.status());
        assertInstanceOf(CancelledException.class, last.failure());
        assertEquals(ScheduledTask.State.CANCELLED, t.state());
        assertEquals(Optional.empty(), t.nextRun());
        assertEquals(List.of(), s.tasks());
        advance(s, Duration.ofSeconds(1), 3);
        assertEquals(1, t.runCount());
    }

    @Test
    void stopCancelsRunContextsWaitsAndIsIdempotentAndRestartResumes() throws Exception {
        Scheduler s = builder().name("restartable").build();
        s.start();
        s.start(); // idempotent
        CountDownLatch running = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask t = s.every(Duration.ofSeconds(1), ctx -> {
            runs.incrementAndGet();
            running.countDown();
            while (!ctx.isDone()) {
                Thread.onSpinWait();
            }
        });
        clock.advance(Duration.ofSeconds(1));
        running.await();
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(th -> th.getName().equals("goflow-scheduler-restartable-1")));
        assertTrue(s.stop());
        assertFalse(s.isRunning());
        assertEquals(0, s.stats().activeRuns());
        assertEquals(RunOutcome.Status.SUCCEEDED, t.lastOutcome().orElseThrow().status()); // returned normally
        assertTrue(s.stop()); // idempotent
        Eventually.until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(th -> th.getName().startsWith("goflow-scheduler-restartable")
                        || th.getName().startsWith("goflow-worker-pool-restartable-pool")));
        clock.advance(Duration.ofSeconds(5)); // nothing runs while stopped
        assertEquals(1, runs.get());
        assertEquals(ScheduledTask.State.SCHEDULED, t.state());
        assertEquals(List.of(t), s.tasks());

        s.start(); // restart: the task continues at its next regular time after now (7 s)
        assertTrue(s.isRunning());
        assertEquals(Optional.of(at(Duration.ofSeconds(7))), t.nextRun());
        clock.advance(Duration.ofSeconds(1));
        Eventually.until(() -> runs.get() == 2);
        assertTrue(s.stop());
    }

    @Test
    void stopWaitsForRunsUpToTheTimeout() throws Exception {
        Scheduler s = builder().stopTimeout(Duration.ofSeconds(5)).build();
        s.start();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScheduledTask t = s.once(Duration.ZERO, ctx -> {
            running.countDown();
            release.await(); // ignores its context
        });
        running.await();
        java.util.concurrent.CompletableFuture<Boolean> stopped =
                java.util.concurrent.CompletableFuture.supplyAsync(s::stop, r -> new Thread(r, "stopper").start());
        // the scheduler thread ends; then the stopper is the only thread parked on the clock
        Eventually.until(() -> clock.parkedThreads() == 1 && !s.isRunning()
                && Thread.getAllStackTraces().keySet().stream().noneMatch(th -> th.getName().startsWith("goflow-scheduler-")));
        clock.advance(Duration.ofSeconds(4));
        assertFalse(stopped.isDone());
        clock.advance(Duration.ofSeconds(1));
        assertFalse(stopped.get(10, java.util.concurrent.TimeUnit.SECONDS));
        // the own pool was then told to stop (shutdownNow): the run is interrupted
        Eventually.until(() -> t.state() == ScheduledTask.State.DONE);
        assertEquals(RunOutcome.Status.CANCELLED, t.lastOutcome().orElseThrow().status());
        assertInstanceOf(InterruptedException.class, t.lastOutcome().orElseThrow().failure());
        assertTrue(s.stop(Duration.ZERO));
        release.countDown();
    }

    @Test
    void stopFromAJobDoesNotWaitForItself() {
        Scheduler s = goflow.scheduler().executor(Runnable::run).build(); // jobs run on the scheduler thread
        s.start();
        java.util.concurrent.atomic.AtomicReference<Boolean> result = new java.util.concurrent.atomic.AtomicReference<>();
        ScheduledTask t = s.once(Duration.ZERO, ctx -> {
            result.set(s.stop());
            assertTrue(ctx.isDone());
        });
        Eventually.until(() -> result.get() != null);
        assertFalse(result.get());
        assertFalse(s.isRunning());
        Eventually.until(() -> t.state() == ScheduledTask.State.DONE);
        assertEquals(RunOutcome.Status.SUCCEEDED, t.lastOutcome().orElseThrow().status());
    }

    @Test
    void aOneShotRunThatStopCancelledBeforeItsJobStartedRunsAtTheNextStart() {
        List<Runnable> queued = new CopyOnWriteArrayList<>();
        Scheduler s = goflow.scheduler().executor(queued::add).stopTimeout(Duration.ZERO).build();
        s.start();
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask t = s.once(Duration.ZERO, ctx -> runs.incrementAndGet());
        Eventually.until(() -> queued.size() == 1);
        assertFalse(s.stop()); // the run is still queued in the executor
        queued.remove(0).run(); // the executor gets to it after the stop: its context is done
        assertEquals(0, runs.get());
        assertEquals(RunOutcome.Status.CANCELLED, t.lastOutcome().orElseThrow().status());
        assertEquals(ScheduledTask.State.SCHEDULED, t.state());
        s.start();
        Eventually.until(() -> queued.size() == 1);
        queued.remove(0).run();
        assertEquals(1, runs.get());
        assertEquals(ScheduledTask.State.DONE, t.state());
    }

    /**
     * One worker busy, five one-shot runs queued behind it. stop() cancels the start's context,
     * whose children (the run contexts) are cancelled one by one; here the first child's cancel
     * callback holds the stopping thread until the worker has dealt with the next queued run, so
     * the worker takes that run while its context is still live. No queued run may start once
     * stop() has begun.
     */
    @Test
    void noQueuedRunStartsOnceStopHasBegun() throws Exception {
        Scheduler s = goflow.scheduler().name("racy").workers(1).stopTimeout(Duration.ofSeconds(30)).build();
        s.start();
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch firstCancelled = new CountDownLatch(1);
        List<ScheduledTask> queued = new CopyOnWriteArrayList<>();
        AtomicInteger queuedStarted = new AtomicInteger();
        ScheduledTask first = s.once(Duration.ZERO, ctx -> {
            ctx.onDone(() -> {
                firstCancelled.countDown();
                // Runs on the stopping thread, before the other run contexts are cancelled:
                // wait until the worker has taken the next queued run and it has ended.
                Eventually.until(() -> queued.get(0).runCount() == 1);
            });
            firstRunning.countDown();
            firstCancelled.await();
        });
        firstRunning.await();
        for (int i = 0; i < 5; i++) {
            queued.add(s.once(Duration.ZERO, ctx -> queuedStarted.incrementAndGet()));
        }
        WorkerPool pool = goflow.registry().find("racy-pool", WorkerPool.class).orElseThrow();
        Eventually.until(() -> pool.stats().queued() == 5);

        assertTrue(s.stop());
        assertEquals(0, queuedStarted.get());
        assertEquals(RunOutcome.Status.SUCCEEDED, first.lastOutcome().orElseThrow().status());
        for (ScheduledTask t : queued) {
            // never started: CANCELLED, and still scheduled, to run at the next start
            Eventually.until(() -> t.runCount() == 1);
            assertEquals(RunOutcome.Status.CANCELLED, t.lastOutcome().orElseThrow().status());
            assertEquals(ScheduledTask.State.SCHEDULED, t.state());
        }
        s.start();
        Eventually.until(() -> queuedStarted.get() == 5);
        Eventually.until(() -> queued.stream().allMatch(t -> t.state() == ScheduledTask.State.DONE));
        assertTrue(s.stop());
    }

    @Test
    void extremeTimesDoNotOverflow() {
        Scheduler s = builder().build();
        s.start();
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask never = s.once(Duration.ofDays(365L * 1_000_000), ctx -> runs.incrementAndGet());
        ScheduledTask rare = s.every(ChronoUnitForever.FOREVER, ctx -> runs.incrementAndGet());
        ScheduledTask farFuture = s.at(Instant.MAX, ctx -> runs.incrementAndGet());
        ScheduledTask farPast = s.at(Instant.MIN, ctx -> runs.incrementAndGet());
        Eventually.until(() -> farPast.state() == ScheduledTask.State.DONE);
        advance(s, Duration.ofDays(365L * 50), 1); // due times are clamped to ~73 years ahead
        assertEquals(1, runs.get());
        assertEquals(ScheduledTask.State.SCHEDULED, never.state());
        assertEquals(ScheduledTask.State.SCHEDULED, rare.state());
        assertEquals(ScheduledTask.State.SCHEDULED, farFuture.state());
        assertTrue(s.stop());
    }

    /** A period too long for nanoseconds. */
    private static final class ChronoUnitForever {
        static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE / 2);
    }

    @Test
    void tasksScheduledWhileStoppedCountFromStart() {
        Scheduler s = builder().build();
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask t = s.every(Duration.ofSeconds(2), ctx -> runs.incrementAndGet());
        assertEquals(Optional.empty(), t.nextRun());
        clock.advance(Duration.ofSeconds(10));
        s.start();
        assertEquals(Optional.of(at(Duration.ofSeconds(12))), t.nextRun());
        advance(s, Duration.ofSeconds(1), 2);
        assertEquals(1, runs.get());
    }

    @Test
    void worksOnTheSystemClock() {
        try (goflow.api.GoFlow real = new goflow.impl.GoFlowImpl()) {
            Scheduler s = real.scheduler().name("real").build();
            s.start();
            AtomicInteger runs = new AtomicInteger();
            ScheduledTask rate = s.every(Duration.ofMillis(10), ctx -> runs.incrementAndGet());
            ScheduledTask once = s.once(Duration.ofMillis(20), ctx -> { });
            ScheduledTask at = s.at(Instant.now().plusMillis(30), ctx -> { });
            Eventually.until(() -> runs.get() >= 3 && once.state() == ScheduledTask.State.DONE
                    && at.state() == ScheduledTask.State.DONE);
            assertEquals(ScheduledTask.State.SCHEDULED, rate.state());
        }
    }

    @Test
    void closeIsFinal() {
        Scheduler s = builder().name("final").build();
        s.start();
        ScheduledTask t = s.every(Duration.ofSeconds(1), ctx -> { });
        assertTrue(goflow.registry().find("final").isPresent());
        s.close();
        s.close();
        assertEquals(ScheduledTask.State.CANCELLED, t.state());
        assertFalse(goflow.registry().find("final").isPresent());
        ClosedException e = assertThrows(ClosedException.class, s::start);
        assertEquals("scheduler 'final' is closed: it cannot be started again", e.getMessage());
        assertThrows(ClosedException.class, () -> s.once(Duration.ZERO, ctx -> { }));
        assertTrue(s.stop());
    }

    @Test
    void cancelAllAndLookup() {
        Scheduler s = builder().build();
        ScheduledTask a = s.task(ctx -> { }).id("a").every(Duration.ofSeconds(1));
        ScheduledTask b = s.once(Duration.ofSeconds(1), ctx -> { });
        assertEquals("task-1", b.id());
        assertEquals(Optional.of(a), s.task("a"));
        assertEquals(2, s.cancelAll());
        assertEquals(0, s.cancelAll());
        assertEquals(List.of(), s.tasks());
        assertEquals(ScheduledTask.State.CANCELLED, b.state());
    }

    @Test
    void statsAndRegistry() {
        Scheduler s = builder().name("stats").build();
        s.start();
        s.every(Duration.ofSeconds(1), ctx -> { });
        advance(s, Duration.ofSeconds(1), 2);
        assertEquals(List.of("running", "tasks", "activeRuns", "runs", "succeeded", "failed", "cancelled", "skipped",
                "retries"), List.copyOf(s.stats().toMap().keySet()));
        assertEquals(true, s.stats().toMap().get("running"));
        assertEquals(2L, s.stats().toMap().get("runs"));
        assertEquals(1, s.stats().tasks());
        assertEquals(Scheduler.class, goflow.registry().find("stats", Scheduler.class).map(x -> Scheduler.class).orElseThrow());
        assertTrue(goflow.registry().find("stats-pool").isPresent()); // the own pool, while started
    }
}
