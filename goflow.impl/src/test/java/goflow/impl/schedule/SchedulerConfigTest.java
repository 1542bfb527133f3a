package goflow.impl.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.context.Context;
import goflow.api.pool.WorkerPool;
import goflow.api.schedule.CronSyntaxException;
import goflow.api.schedule.OverlapPolicy;
import goflow.api.schedule.RunOutcome;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.api.schedule.TaskBuilder;
import goflow.impl.testing.Eventually;

class SchedulerConfigTest extends SchedulerTestSupport {

    private static String message(Executable call) {
        return assertThrows(InvalidConfigException.class, call).getMessage();
    }

    @Test
    void builderSettersValidateAtOnce() {
        assertEquals("scheduler: invalid workers=0 (must be positive) - the number of threads of the scheduler's own pool",
                message(() -> goflow.scheduler().workers(0)));
        assertEquals("scheduler: invalid workers=2 (was already set) - set each builder field once",
                message(() -> goflow.scheduler().workers(1).workers(2)));
        assertTrue(message(() -> goflow.scheduler().workers(1).executor(Runnable::run))
                .contains("executor=") && message(() -> goflow.scheduler().workers(1).executor(Runnable::run))
                .contains("(conflicts with an earlier workers, pool or executor) - set only one of workers"));
        assertTrue(message(() -> goflow.scheduler().executor(Runnable::run).workers(1)).startsWith("scheduler: invalid workers=1 (conflicts"));
        assertEquals("scheduler: invalid pool=null (must not be null)", message(() -> goflow.scheduler().pool(null)));
        assertEquals("scheduler: invalid stopTimeout=PT-1S (must not be negative) - how long stop() waits for active runs",
                message(() -> goflow.scheduler().stopTimeout(Duration.ofSeconds(-1))));
        assertEquals("scheduler: invalid maxTasks=0 (must be positive) - how many tasks may be scheduled at once",
                message(() -> goflow.scheduler().maxTasks(0)));
        assertEquals("scheduler: invalid zone=null (must not be null)", message(() -> goflow.scheduler().zone(null)));
        assertEquals("scheduler: invalid overlap=null (must not be null)", message(() -> goflow.scheduler().overlap(null)));
        assertEquals("scheduler: invalid clock=null (must not be null)", message(() -> goflow.scheduler().clock(null)));
        assertTrue(message(() -> goflow.scheduler().name("a b")).startsWith("scheduler: invalid name=\"a b\""));
        assertEquals("scheduler: invalid overlap=ALLOW (was already set) - set each builder field once",
                message(() -> goflow.scheduler().overlap(OverlapPolicy.SKIP).overlap(OverlapPolicy.ALLOW)));
    }

    @Test
    void namesAreUniqueAndARejectedBuildCreatesNothing() {
        Scheduler s = goflow.scheduler().name("jobs").build();
        assertEquals("jobs", s.name());
        assertEquals("scheduler: invalid name=\"jobs\" (must be unique among live primitives) - choose another name, "
                + "or close the primitive that has it first", message(() -> goflow.scheduler().name("jobs").build()));
        assertEquals(1, goflow.registry().primitives().size());
        assertTrue(goflow.scheduler().build().name().startsWith("scheduler-"));
        assertFalse(s.isRunning()); // built stopped: no thread yet
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("goflow-scheduler-")));
        goflow.close();
        assertThrows(ClosedException.class, () -> goflow.scheduler().build());
    }

    @Test
    void taskArgumentsValidate() {
        Scheduler s = goflow.scheduler().name("jobs").maxTasks(2).build();
        assertEquals("jobs: invalid job=null (must not be null)", message(() -> s.every(Duration.ofSeconds(1), null)));
        assertEquals("jobs: invalid period=PT0S (must be positive) - the time between the starts of two runs",
                message(() -> s.every(Duration.ZERO, ctx -> { })));
        assertEquals("jobs: invalid delay=PT-1S (must be positive) - the time between the end of a run and the next start",
                message(() -> s.withFixedDelay(Duration.ofSeconds(-1), ctx -> { })));
        // a shorter period or delay would keep a core busy with scheduling: at least 1 ms
        assertEquals("jobs: invalid period=PT0.000000001S (must be at least 1 ms; a shorter period keeps a core busy "
                + "with scheduling) - the time between the starts of two runs",
                message(() -> s.every(Duration.ofNanos(1), ctx -> { })));
        assertEquals("jobs: invalid period=PT0.000999999S (must be at least 1 ms; a shorter period keeps a core busy "
                + "with scheduling) - the time between the starts of two runs",
                message(() -> s.task(ctx -> { }).every(Duration.ofNanos(999_999))));
        assertEquals("jobs: invalid delay=PT0.000000001S (must be at least 1 ms; a shorter delay keeps a core busy "
                + "with scheduling) - the time between the end of a run and the next start",
                message(() -> s.withFixedDelay(Duration.ofNanos(1), ctx -> { })));
        CronSyntaxException every = assertThrows(CronSyntaxException.class, () -> s.cron("@every 1ns", ctx -> { }));
        assertEquals("cron: invalid @every=\"1ns\" (must be at least 1ms; a shorter interval keeps a core busy with "
                + "scheduling) - in expression \"@every 1ns\"", every.getMessage());
        assertEquals("jobs: invalid delay=PT-0.001S (must not be negative) - how long until the task runs",
                message(() -> s.once(Duration.ofMillis(-1), ctx -> { })));
        assertEquals("jobs: invalid delay=null (must not be null)", message(() -> s.once(null, ctx -> { })));
        assertEquals("jobs: invalid time=null (must not be null)", message(() -> s.at(null, ctx -> { })));
        assertEquals("jobs: invalid cron=null (must not be null)", message(() -> s.cron((goflow.api.schedule.Cron) null, ctx -> { })));
        CronSyntaxException cron = assertThrows(CronSyntaxException.class, () -> s.cron("0 0 30 2 *", ctx -> { }));
        assertEquals("day-of-month", cron.field());
        assertEquals("jobs: invalid id=\"\" (must have 1 to 255 characters)", message(() -> s.task(ctx -> { }).id("")));
        assertThrows(InvalidConfigException.class, () -> s.task(ctx -> { }).id("x".repeat(256)));
        assertTrue(message(() -> s.task(ctx -> { }).overlap(OverlapPolicy.ALLOW).once(Duration.ZERO))
                .startsWith("jobs: invalid overlap=ALLOW (applies only to repeating tasks)"));
        assertTrue(message(() -> s.task(ctx -> { }).initialDelay(Duration.ZERO).at(Instant.EPOCH))
                .startsWith("jobs: invalid initialDelay=PT0S (applies only to every and withFixedDelay)"));
        assertTrue(message(() -> s.task(ctx -> { }).initialDelay(Duration.ZERO).cron("@daily"))
                .startsWith("jobs: invalid initialDelay=PT0S (applies only to every and withFixedDelay)"));
        assertEquals(List.of(), s.tasks()); // nothing half-made
        s.every(Duration.ofMillis(1), ctx -> { }).cancel(); // the minimum itself is fine
        s.withFixedDelay(Duration.ofMillis(1), ctx -> { }).cancel();
        s.cron("@every 1ms", ctx -> { }).cancel();
        s.task(ctx -> { }).initialDelay(Duration.ZERO).every(Duration.ofMillis(1)).cancel(); // no minimum for the first run

        s.task(ctx -> { }).id("a").every(Duration.ofSeconds(1));
        assertEquals("jobs: invalid id=\"a\" (must be unique among the scheduled tasks) - choose another id, or cancel "
                + "the task that has it first", message(() -> s.task(ctx -> { }).id("a").every(Duration.ofSeconds(1))));
        s.once(Duration.ofSeconds(1), ctx -> { });
        assertEquals("jobs: invalid maxTasks=2 (reached: no more tasks can be scheduled) - cancel tasks or build the "
                + "scheduler with a larger maxTasks", message(() -> s.once(Duration.ofSeconds(1), ctx -> { })));
        s.task("a").orElseThrow().cancel();
        s.task(ctx -> { }).id("a").every(Duration.ofSeconds(1)); // the id and the slot are free again
        TaskBuilder once = s.task(ctx -> { });
        s.cancelAll();
        once.once(Duration.ZERO);
        assertThrows(IllegalStateException.class, () -> once.once(Duration.ZERO));
    }

    @Test
    void runsOnAGivenPoolWhichStopLeavesAlone() throws Exception {
        WorkerPool pool = goflow.workerPool().name("shared").workers(1).build();
        Scheduler s = goflow.scheduler().pool(pool).build();
        s.start();
        AtomicReference<String> thread = new AtomicReference<>();
        ScheduledTask t = s.every(Duration.ofSeconds(1), ctx -> thread.set(Thread.currentThread().getName()));
        advance(s, Duration.ofSeconds(1), 1);
        assertEquals(1, t.runCount());
        assertTrue(thread.get().startsWith("goflow-worker-pool-shared-"), thread.get());
        assertTrue(s.stop());
        assertFalse(pool.isShutdown());
        s.close();
        assertFalse(pool.isShutdown());
        assertEquals("ok", pool.submit(ctx -> "ok").get().value());
    }

    @Test
    void runsOnAGivenExecutorAndRecordsRejections() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-executor"));
        try {
            Scheduler s = goflow.scheduler().executor(executor).build();
            s.start();
            CountDownLatch running = new CountDownLatch(1);
            AtomicReference<Context> seen = new AtomicReference<>();
            AtomicReference<String> thread = new AtomicReference<>();
            s.once(Duration.ZERO, ctx -> {
                seen.set(ctx);
                thread.set(Thread.currentThread().getName());
                running.countDown();
            });
            running.await();
            assertTrue(s.stop());
            assertEquals("test-executor", thread.get());
            assertTrue(seen.get().isDone()); // the run's context ends with the run
        } finally {
            executor.shutdown();
            assertTrue(executor.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS));
        }

        Scheduler rejecting = goflow.scheduler().executor(r -> {
            throw new RejectedExecutionException("full");
        }).build();
        rejecting.start();
        ScheduledTask t = rejecting.every(Duration.ofSeconds(1), ctx -> { });
        advance(rejecting, Duration.ofSeconds(1), 2);
        assertEquals(2, t.runCount());
        assertEquals(2, t.failureCount());
        RunOutcome last = t.lastOutcome().orElseThrow();
        assertEquals(RunOutcome.Status.FAILED, last.status());
        assertEquals("full", last.failure().getMessage());
        assertEquals(ScheduledTask.State.SCHEDULED, t.state());
    }

    @Test
    void defaultBuilderHasItsOwnPool() {
        Scheduler s = goflow.scheduler().name("plain").build();
        s.start();
        AtomicReference<String> thread = new AtomicReference<>();
        s.once(Duration.ZERO, ctx -> thread.set(Thread.currentThread().getName()));
        Eventually.until(() -> thread.get() != null);
        assertTrue(thread.get().startsWith("goflow-worker-pool-plain-pool-"), thread.get());
        assertTrue(s.stop());
        assertFalse(goflow.registry().find("plain-pool").isPresent());
        s.start();
        assertTrue(goflow.registry().find("plain-pool-2").isPresent());

        WorkerPool squatter = goflow.workerPool().name("other-pool").workers(1).build();
        Scheduler other = goflow.scheduler().name("other").build();
        other.start(); // its pool's name is taken: it gets a generated one
        assertTrue(other.isRunning());
        assertTrue(other.stop());
        assertFalse(squatter.isShutdown());
    }
}
