package goflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.felix.hc.api.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.io.WriterStats;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.api.schedule.SchedulerStats;
import goflow.api.pipeline.Pipeline;
import goflow.api.pool.QueueFullPolicy;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;

/** Each health check judged on real primitives, with the window's frames taken on a manual clock. */
class HealthChecksTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "test");
    private final Sampler sampler = new Sampler(goflow.registry(), Plugins.none(), clock, Duration.ofSeconds(1), 600);

    @AfterEach
    void close() {
        goflow.close();
    }

    private static String text(Result r) {
        StringBuilder sb = new StringBuilder(r.getStatus().toString());
        r.forEach(e -> sb.append("\n  ").append(e.getStatus()).append(' ').append(e.getMessage()));
        return sb.toString();
    }

    @Test
    void aSaturatedPoolTurnsItsCheckToWarnThenCriticalAndBackToOk() throws Exception {
        GoFlow real = GoFlow.load(); // real threads: tasks block on a latch
        try {
            Sampler live = new Sampler(real.registry(), Plugins.none(), clock, Duration.ofSeconds(1), 10);
            PoolHealthCheck check = new PoolHealthCheck(live, Thresholds.DEFAULTS);
            WorkerPool pool = real.workerPool().name("busy").workers(1).queueCapacity(5)
                    .onQueueFull(QueueFullPolicy.REJECT).build();
            assertEquals(Result.Status.OK, check.execute().getStatus(), () -> text(check.execute()));
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            pool.submit(ctx -> {
                running.countDown();
                return release.await(30, TimeUnit.SECONDS);
            });
            assertTrue(running.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 4; i++) {
                pool.submit(ctx -> release.await(30, TimeUnit.SECONDS));
            }
            Result warn = check.execute(); // 4 of 5 queued: 80%
            assertEquals(Result.Status.WARN, warn.getStatus(), () -> text(warn));
            assertTrue(text(warn).contains("worker pool 'busy': queue 4/5 (80%), 1/1 workers busy, WARN at 80% of the queue"),
                    () -> text(warn));
            pool.submit(ctx -> release.await(30, TimeUnit.SECONDS));
            Result critical = check.execute(); // full
            assertEquals(Result.Status.CRITICAL, critical.getStatus(), () -> text(critical));
            release.countDown();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> check.execute().getStatus() == Result.Status.OK);
            pool.shutdown().join();
        } finally {
            real.close();
        }
    }

    @Test
    void limiterRejectionsAreCountedOverTheWindowOnly() {
        RateLimiter api = goflow.tokenBucket().name("api").rate(1).burst(30).build();
        LimiterHealthCheck check = new LimiterHealthCheck(sampler, Thresholds.DEFAULTS);
        for (int i = 0; i < 40; i++) {
            api.allow(); // 30 admitted, 10 refused: 25%
        }
        assertEquals(Result.Status.OK, check.execute().getStatus(), () -> text(check.execute()));
        sampler.sample();
        clock.advance(Duration.ofMinutes(6)); // 360 tokens back, capped at the burst (30)
        sampler.sample();
        for (int i = 0; i < 40; i++) {
            api.allow(); // in the window: 30 admitted, 10 refused again
        }
        for (int i = 0; i < 50; i++) {
            api.allow(); // 50 more refused: 60 of 90
        }
        Result warn = check.execute();
        assertEquals(Result.Status.WARN, warn.getStatus(), () -> text(warn));
        assertTrue(text(warn).contains("token-bucket 'api': 60 of 90 requests refused in PT5M (66.7%), WARN at 50%"),
                () -> text(warn));
        for (int i = 0; i < 600; i++) {
            api.allow();
        }
        assertEquals(Result.Status.CRITICAL, check.execute().getStatus());
        sampler.sample();
        clock.advance(Duration.ofMinutes(6));
        sampler.sample();
        assertEquals(Result.Status.OK, check.execute().getStatus(), () -> text(check.execute()));
    }

    @Test
    void aHistoryShorterThanTheWindowSaysTheTimeItCoversNotTheWindow() {
        RateLimiter api = goflow.tokenBucket().name("api").rate(1).burst(10).build();
        LimiterHealthCheck check = new LimiterHealthCheck(sampler, Thresholds.DEFAULTS); // window PT5M
        for (int i = 0; i < 30; i++) {
            api.allow(); // 10 admitted, 20 refused, before any sample
        }
        Result none = check.execute();
        assertTrue(text(none).contains("token-bucket 'api': 20 of 30 requests refused since created (no sample"
                + " recorded yet for the PT5M window) (66.7%), WARN at 50%"), () -> text(none));
        sampler.sample(); // the sampler has just started: its history begins here
        clock.advance(Duration.ofSeconds(100));
        for (int i = 0; i < 150; i++) {
            api.allow(); // 100 tokens back, capped at the burst (10): 10 admitted, 140 refused
        }
        Result shorter = check.execute();
        assertEquals(Result.Status.CRITICAL, shorter.getStatus(), () -> text(shorter));
        assertTrue(text(shorter).contains("token-bucket 'api': 140 of 150 requests refused in the last PT1M40S"
                + " (history shorter than the PT5M window) (93.3%), CRITICAL at 90%"), () -> text(shorter));
        clock.advance(Duration.ofSeconds(200)); // the history now reaches back to the window's start
        Result whole = check.execute();
        assertTrue(text(whole).contains("token-bucket 'api': 140 of 150 requests refused in PT5M (93.3%)"),
                () -> text(whole));
    }

    @Test
    void pipelineFailuresOverTheWindowWarnAndGoCritical() {
        Pipeline<String, Integer> p = goflow.pipeline("parse").stage("int", (String s) -> Integer.parseInt(s)).build();
        PipelineHealthCheck check = new PipelineHealthCheck(sampler, Thresholds.DEFAULTS);
        for (int i = 0; i < 9; i++) {
            p.execute("x"); // 9 failures, below the minimum of 10 executions: not judged
        }
        Result few = check.execute();
        assertEquals(Result.Status.OK, few.getStatus(), () -> text(few));
        assertTrue(text(few).contains("not judged"), () -> text(few));
        for (int i = 0; i < 11; i++) {
            p.execute("1");
        }
        Result warn = check.execute(); // 9 of 20
        assertEquals(Result.Status.WARN, warn.getStatus(), () -> text(warn));
        for (int i = 0; i < 20; i++) {
            p.execute("y");
        }
        assertEquals(Result.Status.CRITICAL, check.execute().getStatus()); // 29 of 40
    }

    private static Frame writerFrame(long nanos, long errors, long discarded) {
        WriterStats stats = new WriterStats(100, 90, 10, discarded, 3, errors, 0, 1024, false);
        PrimitiveInfo info = new PrimitiveInfo("log", Primitive.Kind.ASYNC_WRITER, "test", stats);
        return new Frame(nanos, Instant.EPOCH.plusNanos(nanos), List.of(new Frame.Row(info, stats.toMap())));
    }

    @Test
    void writerErrorsInTheWindowWarnAndGoCriticalAndDiscardedBytesAreCritical() {
        Window then = Window.whole(PastFrame.of(writerFrame(0, 5, 0), null), Duration.ofMinutes(5));
        assertEquals(Result.Status.OK, new Result(HealthRules.writers(then, writerFrame(1, 5, 0),
                Thresholds.DEFAULTS)).getStatus());
        Result warn = new Result(HealthRules.writers(then, writerFrame(1, 7, 0), Thresholds.DEFAULTS));
        assertEquals(Result.Status.WARN, warn.getStatus(), () -> text(warn));
        assertTrue(text(warn).contains("async writer 'log': 2 errors and 0 bytes discarded in PT5M, WARN at 1 errors"),
                () -> text(warn));
        assertEquals(Result.Status.CRITICAL, new Result(HealthRules.writers(then, writerFrame(1, 15, 0),
                Thresholds.DEFAULTS)).getStatus());
        assertEquals(Result.Status.CRITICAL, new Result(HealthRules.writers(then, writerFrame(1, 5, 1),
                Thresholds.DEFAULTS)).getStatus());
    }

    private static Frame schedulerFrame(long runs, long failures, boolean lastFailed) {
        SchedulerStats stats = new SchedulerStats(true, 1, 0, runs, runs - failures, failures, 0, 0, 0);
        PrimitiveInfo info = new PrimitiveInfo("jobs", Primitive.Kind.SCHEDULER, "test", stats);
        Map<String, Object> figures = new java.util.LinkedHashMap<>(stats.toMap());
        figures.put("task.upload.runs", runs);
        figures.put("task.upload.failures", failures);
        figures.put("task.upload.lastFailed", lastFailed);
        return new Frame(runs, Instant.EPOCH, List.of(new Frame.Row(info, figures)));
    }

    @Test
    void aTaskFailingRunAfterRunWarnsThenGoesCriticalAndOneSuccessClearsIt() {
        Window then = Window.whole(PastFrame.of(schedulerFrame(10, 2, false), null), Duration.ofMinutes(5));
        Result warn = new Result(HealthRules.schedulers(then, schedulerFrame(13, 5, true), Thresholds.DEFAULTS));
        assertEquals(Result.Status.WARN, warn.getStatus(), () -> text(warn));
        assertTrue(text(warn).contains("scheduler 'jobs': task 'upload' failed its last 3 runs in PT5M, none succeeded"),
                () -> text(warn));
        assertEquals(Result.Status.CRITICAL, new Result(HealthRules.schedulers(then, schedulerFrame(20, 12, true),
                Thresholds.DEFAULTS)).getStatus());
        // one success in the window: not failing repeatedly
        assertEquals(Result.Status.OK, new Result(HealthRules.schedulers(then, schedulerFrame(21, 12, true),
                Thresholds.DEFAULTS)).getStatus());
        assertEquals(Result.Status.OK, new Result(HealthRules.schedulers(then, schedulerFrame(13, 5, false),
                Thresholds.DEFAULTS)).getStatus());
    }

    @Test
    void aRealScheduledTaskFailingRunAfterRunWarnsAndOneSuccessClearsIt() {
        Scheduler jobs = goflow.scheduler().name("jobs").workers(1).build();
        AtomicBoolean failing = new AtomicBoolean(true);
        ScheduledTask upload = jobs.task(ctx -> {
            if (failing.get()) {
                throw new IllegalStateException("upload refused");
            }
        }).id("upload").every(Duration.ofSeconds(1));
        jobs.start();
        SchedulerHealthCheck check = new SchedulerHealthCheck(sampler, Thresholds.DEFAULTS);
        // the same three failed runs judged with a WARN threshold of 4: not yet failing repeatedly
        SchedulerHealthCheck lenient = new SchedulerHealthCheck(sampler, new Thresholds(Duration.ofMinutes(5),
                0.8, 1, 0.5, 0.9, 20, 0.1, 0.5, 10, 4, 10, 1, 10));
        sampler.sample();
        for (int run = 1; run <= 3; run++) {
            Result before = check.execute();
            assertEquals(Result.Status.OK, before.getStatus(), () -> text(before));
            clock.advance(Duration.ofSeconds(1));
            long runs = run;
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> upload.runCount() == runs
                    && upload.failureCount() == runs && jobs.stats().activeRuns() == 0);
        }
        sampler.sample();
        Result warn = check.execute(); // the configured 3 failed runs in a row (HealthConfig default)
        assertEquals(Result.Status.WARN, warn.getStatus(), () -> text(warn));
        assertTrue(text(warn).contains("scheduler 'jobs': task 'upload' failed its last 3 runs in the last PT3S"
                + " (history shorter than the PT5M window), none succeeded"), () -> text(warn));
        assertEquals(Result.Status.OK, lenient.execute().getStatus(), () -> text(lenient.execute()));

        failing.set(false);
        clock.advance(Duration.ofSeconds(1));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> upload.runCount() == 4
                && jobs.stats().activeRuns() == 0);
        Result ok = check.execute(); // its last run succeeded
        assertEquals(Result.Status.OK, ok.getStatus(), () -> text(ok));
        assertTrue(text(ok).contains("scheduler 'jobs': 1 tasks, none failing repeatedly"), () -> text(ok));
        jobs.close();
    }

    @Test
    void noPrimitiveOfAFamilyIsOk() {
        Result r = new SchedulerHealthCheck(sampler, Thresholds.DEFAULTS).execute();
        assertEquals(Result.Status.OK, r.getStatus());
        assertEquals("OK\n  OK no scheduler is live", text(r));
    }

    @Test
    void badThresholdsAreRefusedNamingTheField() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> new Thresholds(Duration.ofMinutes(5),
                0.9, 0.8, 0.5, 0.9, 20, 0.1, 0.5, 10, 3, 10, 1, 10));
        assertTrue(e.getMessage().contains("pool.queue.critical") && e.getMessage().contains("0.8"), e.getMessage());
        assertThrows(InvalidConfigException.class, () -> new Thresholds(Duration.ZERO,
                0.8, 1, 0.5, 0.9, 20, 0.1, 0.5, 10, 3, 10, 1, 10));
        assertThrows(InvalidConfigException.class, () -> new Thresholds(Duration.ofMinutes(1),
                0.8, 1, 0.5, 0.9, 20, 0.1, 0.5, 10, 3, 2, 1, 10));
        assertThrows(InvalidConfigException.class, () -> Sampler.interval("1s"));
        assertThrows(InvalidConfigException.class, () -> Sampler.interval("PT0.01S"));
    }

    /**
     * A plugin's primitive listed under a family whose figures cannot be read: its stats() throws
     * (the registry lists it with the one figure statsError), or, for a writer, its toMap().
     */
    private record Unreadable(String name, Kind kind) implements Primitive {
        @Override
        public goflow.api.inspect.Stats stats() {
            if (kind == Kind.ASYNC_WRITER) {
                return new goflow.api.inspect.Stats() {
                    @Override
                    public Map<String, Object> toMap() {
                        throw new IllegalStateException("figures unreachable");
                    }
                };
            }
            throw new IllegalStateException("backend unreachable");
        }

        @Override
        public void close() {
        }
    }

    /**
     * A primitive whose figures cannot be read is not judged healthy on figures it does not have
     * (a pool was OK with "queue NaN/NaN (0%)", a writer OK with "0 errors and 0 bytes discarded"):
     * its entry says its figures cannot be read, at WARN, and the others are judged as usual.
     */
    @Test
    void aPrimitiveWhoseFiguresCannotBeReadWarnsSayingSoInsteadOfJudgingFiguresItHasNot() {
        goflow.workerPool().name("fine").workers(1).build();
        ((GoFlowImpl) goflow).register(new Unreadable("remote-pool", Primitive.Kind.WORKER_POOL));
        ((GoFlowImpl) goflow).register(new Unreadable("remote-limiter", Primitive.Kind.TOKEN_BUCKET));
        ((GoFlowImpl) goflow).register(new Unreadable("remote-pipeline", Primitive.Kind.PIPELINE));
        ((GoFlowImpl) goflow).register(new Unreadable("remote-scheduler", Primitive.Kind.SCHEDULER));
        ((GoFlowImpl) goflow).register(new Unreadable("remote-writer", Primitive.Kind.ASYNC_WRITER));
        sampler.sample();
        clock.advance(Duration.ofMinutes(1));
        for (GoFlowHealthCheck check : List.of(new PoolHealthCheck(sampler, Thresholds.DEFAULTS),
                new LimiterHealthCheck(sampler, Thresholds.DEFAULTS), new PipelineHealthCheck(sampler,
                Thresholds.DEFAULTS), new SchedulerHealthCheck(sampler, Thresholds.DEFAULTS),
                new WriterHealthCheck(sampler, Thresholds.DEFAULTS))) {
            Result r = check.execute();
            assertEquals(Result.Status.WARN, r.getStatus(), () -> text(r));
            assertTrue(!text(r).contains("NaN"), () -> text(r));
            assertTrue(text(r).matches("(?s).*\\n  WARN [a-z -]+ 'remote-[a-z]+': its figures cannot be read \\(see"
                    + " the log of goflow.web\\); not judged.*"), () -> text(r));
        }
        Result pools = new PoolHealthCheck(sampler, Thresholds.DEFAULTS).execute();
        assertTrue(text(pools).contains("OK worker pool 'fine': queue 0/"), () -> text(pools));
    }

    /**
     * A limiter closed and re-created under the same name and owner within the window (its owner's
     * configuration changed) counts from zero, all its figures together: judging the figure that went
     * down from zero and the other as an increase over the old instance's gave "70 of 80 requests
     * refused" (WARN) for a limiter that refused 120 of 130 (CRITICAL).
     */
    @Test
    void aLimiterReCreatedUnderTheSameNameCountsAllItsFiguresFromZero() {
        RateLimiter old = goflow.tokenBucket().name("api").rate(1).burst(100).build();
        for (int i = 0; i < 150; i++) {
            old.allow(); // 100 admitted, 50 refused
        }
        sampler.sample();
        clock.advance(Duration.ofMinutes(1));
        old.close();
        RateLimiter api = goflow.tokenBucket().name("api").rate(1).burst(10).build();
        for (int i = 0; i < 130; i++) {
            api.allow(); // 10 admitted, 120 refused: 92%
        }
        Result r = new LimiterHealthCheck(sampler, Thresholds.DEFAULTS).execute();
        assertEquals(Result.Status.CRITICAL, r.getStatus(), () -> text(r));
        assertTrue(text(r).contains("token-bucket 'api': 120 of 130 requests refused in the last PT1M"), () -> text(r));
    }
}
