package goflow.impl.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import goflow.api.InvalidConfigException;
import goflow.api.schedule.Backoff;
import goflow.api.schedule.RunOutcome;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.impl.testing.Eventually;

class SchedulerRetryTest extends SchedulerTestSupport {

    @Test
    void backoffDelaysStartAtTheInitialDelayAndAreCapped() {
        Backoff b = Backoff.exponential(10, Duration.ofMillis(100), Duration.ofSeconds(1));
        assertEquals(Duration.ofMillis(100), b.delayBefore(1)); // not 200 ms (the reference's defect B-SC6)
        assertEquals(Duration.ofMillis(200), b.delayBefore(2));
        assertEquals(Duration.ofMillis(400), b.delayBefore(3));
        assertEquals(Duration.ofMillis(800), b.delayBefore(4));
        assertEquals(Duration.ofSeconds(1), b.delayBefore(5));
        assertEquals(Duration.ofSeconds(1), b.delayBefore(1000));
        Backoff slow = new Backoff(3, Duration.ofSeconds(2), Duration.ofMinutes(1), 1.5);
        assertEquals(Duration.ofSeconds(3), slow.delayBefore(2));
        assertEquals(Duration.ofMillis(4500), slow.delayBefore(3));
        assertThrows(IllegalArgumentException.class, () -> b.delayBefore(0));
    }

    @Test
    void backoffRejectsBadComponents() {
        assertEquals("backoff: invalid maxRetries=-1 (must not be negative)", assertThrows(InvalidConfigException.class,
                () -> Backoff.exponential(-1, Duration.ofSeconds(1), Duration.ofSeconds(1))).getMessage());
        assertEquals("backoff: invalid initialDelay=PT0S (must be positive)", assertThrows(InvalidConfigException.class,
                () -> Backoff.exponential(1, Duration.ZERO, Duration.ofSeconds(1))).getMessage());
        assertEquals("backoff: invalid initialDelay=null (must be positive)", assertThrows(InvalidConfigException.class,
                () -> Backoff.exponential(1, null, Duration.ofSeconds(1))).getMessage());
        assertEquals("backoff: invalid maxDelay=PT1S (must be at least initialDelay) - initialDelay is PT2S",
                assertThrows(InvalidConfigException.class,
                        () -> Backoff.exponential(1, Duration.ofSeconds(2), Duration.ofSeconds(1))).getMessage());
        assertEquals("backoff: invalid multiplier=0.5 (must be a finite number >= 1)", assertThrows(
                InvalidConfigException.class,
                () -> new Backoff(1, Duration.ofSeconds(1), Duration.ofSeconds(1), 0.5)).getMessage());
        assertThrows(InvalidConfigException.class,
                () -> new Backoff(1, Duration.ofSeconds(1), Duration.ofSeconds(1), Double.NaN));
    }

    @Test
    void aFailedOneShotIsRetriedWithExponentialBackoffUntilItSucceeds() {
        Scheduler s = builder().build();
        s.start();
        List<Instant> attempts = new CopyOnWriteArrayList<>();
        AtomicInteger n = new AtomicInteger();
        ScheduledTask t = s.task(ctx -> {
            attempts.add(clock.instant());
            if (n.incrementAndGet() < 4) {
                throw new IOException("attempt " + n.get() + " failed");
            }
        }).retry(Backoff.exponential(5, Duration.ofSeconds(1), Duration.ofSeconds(3))).once(Duration.ZERO);
        settle(s);
        Eventually.until(() -> attempts.size() == 1);
        Eventually.until(() -> t.nextRun().isPresent());
        assertEquals(Optional.of(at(Duration.ofSeconds(1))), t.nextRun()); // the first retry waits the initial delay
        assertEquals(ScheduledTask.State.SCHEDULED, t.state());
        advance(s, Duration.ofSeconds(1), 7);
        // waits 1 s, 2 s, then 4 s capped to 3 s
        assertEquals(List.of(T0, at(Duration.ofSeconds(1)), at(Duration.ofSeconds(3)), at(Duration.ofSeconds(6))),
                attempts);
        assertEquals(ScheduledTask.State.DONE, t.state());
        assertEquals(4, t.runCount());
        assertEquals(3, t.failureCount());
        assertEquals(RunOutcome.Status.SUCCEEDED, t.lastOutcome().orElseThrow().status());
        assertEquals(3, s.stats().retries());
    }

    @Test
    void retriesStopAfterMaxRetriesWithTheLastFailure() {
        Scheduler s = builder().build();
        s.start();
        List<Instant> attempts = new CopyOnWriteArrayList<>();
        ScheduledTask t = s.task(ctx -> {
            attempts.add(clock.instant());
            throw new IOException("down " + attempts.size());
        }).retry(Backoff.exponential(2, Duration.ofSeconds(1), Duration.ofSeconds(10))).once(Duration.ofSeconds(1));
        advance(s, Duration.ofSeconds(1), 8);
        assertEquals(List.of(at(Duration.ofSeconds(1)), at(Duration.ofSeconds(2)), at(Duration.ofSeconds(4))), attempts);
        assertEquals(ScheduledTask.State.DONE, t.state());
        RunOutcome last = t.lastOutcome().orElseThrow();
        assertEquals(RunOutcome.Status.FAILED, last.status());
        assertEquals("down 3", last.failure().getMessage());
        assertEquals(3, last.run());
    }

    @Test
    void aCancelledRunIsNotRetried() throws Exception {
        Scheduler s = builder().build();
        s.start();
        CountDownLatch running = new CountDownLatch(1);
        AtomicInteger n = new AtomicInteger();
        ScheduledTask t = s.task(ctx -> {
            n.incrementAndGet();
            running.countDown();
            ctx.sleep(Duration.ofDays(1));
        }).retry(Backoff.exponential(3, Duration.ofSeconds(1), Duration.ofSeconds(1))).at(T0);
        running.await();
        t.cancel();
        Eventually.until(() -> t.runCount() == 1);
        assertEquals(RunOutcome.Status.CANCELLED, t.lastOutcome().orElseThrow().status());
        advance(s, Duration.ofSeconds(1), 3);
        assertEquals(1, n.get());
        assertEquals(0, s.stats().retries());
    }

    @Test
    void retryIsOnlyForOneShotTasks() {
        Scheduler s = builder().name("jobs").build();
        Backoff b = Backoff.exponential(1, Duration.ofSeconds(1), Duration.ofSeconds(1));
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> s.task(ctx -> { }).retry(b).every(Duration.ofSeconds(1)));
        assertEquals("retry", e.field());
        assertEquals("applies only to one-shot tasks (once, at)", e.rule());
        assertThrows(InvalidConfigException.class, () -> s.task(ctx -> { }).retry(b).cron("@daily"));
        assertThrows(InvalidConfigException.class, () -> s.task(ctx -> { }).retry(b).withFixedDelay(Duration.ofSeconds(1)));
    }
}
