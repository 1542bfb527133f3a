package goflow.impl.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import goflow.api.schedule.Lease;
import goflow.api.schedule.LeaseProvider;
import goflow.api.schedule.RunOutcome;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.MemoryLeases;

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
}
