package goflow.impl.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import goflow.api.InvalidConfigException;
import goflow.api.schedule.Lease;
import goflow.api.schedule.LeaseProvider;
import goflow.api.schedule.OverlapPolicy;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.ForwardingLease;
import goflow.impl.testing.MemoryLeases;

/** Edges of the scheduler found in review: a slow or hanging lease store, an option that could not apply. */
class SchedulerEdgeReviewTest extends SchedulerTestSupport {
    private static final Duration TTL = Duration.ofSeconds(3);

    private final MemoryLeases store = new MemoryLeases(clock);

    /** A lease provider whose claims wait for {@link #answer} (a slow round trip to the store). */
    private static final class SlowStore implements LeaseProvider {
        final LeaseProvider store;
        final CountDownLatch claiming = new CountDownLatch(1);
        final CountDownLatch answer = new CountDownLatch(1);

        SlowStore(LeaseProvider store) {
            this.store = store;
        }

        @Override
        public Optional<Lease> tryAcquire(String name, Duration ttl) {
            claiming.countDown();
            try {
                assertTrue(answer.await(60, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return store.tryAcquire(name, ttl);
        }
    }

    @Test
    void cancelDoesNotWaitForAClaimStillWaitingForTheStore() throws Exception {
        SlowStore slow = new SlowStore(store.node("a"));
        AtomicBoolean jobStarted = new AtomicBoolean();
        Scheduler a = goflow.scheduler().name("jobs").workers(1).build();
        ScheduledTask t = a.task(ctx -> jobStarted.set(true)).id("slow").oncePerCluster(slow, TTL)
                .once(Duration.ZERO);
        a.start();
        assertTrue(slow.claiming.await(10, TimeUnit.SECONDS));
        Thread cancelling = new Thread(t::cancel, "cancelling");
        cancelling.start();
        cancelling.join(TimeUnit.SECONDS.toMillis(10));
        boolean returned = !cancelling.isAlive();
        slow.answer.countDown();
        cancelling.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(returned, "cancel() waited for the claim's round trip to the store");
        Eventually.until(() -> t.activeRuns() == 0);
        assertFalse(jobStarted.get(), "the job of a cancelled task started");
        assertEquals(ScheduledTask.State.CANCELLED, t.state());
        assertEquals(Optional.empty(), store.holder("goflow/jobs/slow"), "the lease claimed for no run is released");
    }

    @Test
    void stopReturnsWithinItsTimeoutWhileAClaimStillWaitsForTheStore() throws Exception {
        SlowStore slow = new SlowStore(store.node("a"));
        AtomicBoolean jobStarted = new AtomicBoolean();
        Scheduler a = goflow.scheduler().name("jobs").workers(1).build();
        ScheduledTask t = a.task(ctx -> jobStarted.set(true)).id("slow").oncePerCluster(slow, TTL)
                .once(Duration.ZERO);
        a.start();
        assertTrue(slow.claiming.await(10, TimeUnit.SECONDS));
        Thread stopping = new Thread(() -> a.stop(Duration.ZERO), "stopping");
        stopping.start();
        stopping.join(TimeUnit.SECONDS.toMillis(10));
        boolean returned = !stopping.isAlive();
        slow.answer.countDown();
        stopping.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(returned, "stop(0) waited for the claim's round trip to the store");
        Eventually.until(() -> t.activeRuns() == 0);
        assertFalse(jobStarted.get(), "the job started after stop() had begun");
        assertEquals(Optional.empty(), store.holder("goflow/jobs/slow"), "the lease claimed for no run is released");
    }

    @Test
    void anOverlapPolicyGivenToAFixedDelayTaskIsRejectedNotIgnored() {
        Scheduler s = goflow.scheduler().name("jobs").workers(1).build();
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> s.task(ctx -> { }).overlap(OverlapPolicy.ALLOW).withFixedDelay(Duration.ofSeconds(1)));
        assertEquals("overlap", e.field());
        assertEquals("jobs: invalid overlap=ALLOW (applies only to every and cron) - a fixed-delay task "
                + "(withFixedDelay) never overlaps itself: its next run starts a delay after the previous one ended",
                e.getMessage());
        assertEquals(0, s.tasks().size(), "nothing was scheduled");
        // the scheduler's default policy still applies to every task kind without complaint
        Scheduler allow = goflow.scheduler().name("allow").workers(1).overlap(OverlapPolicy.ALLOW).build();
        allow.withFixedDelay(Duration.ofSeconds(1), ctx -> { });
        assertEquals(1, allow.tasks().size());
    }

    @Test
    void aRunIsCancelledWhenItsLeaseRunsOutEvenWhileARenewalStillWaitsForTheStore() throws Exception {
        MemoryLeases.Node leasesA = store.node("a");
        CountDownLatch renewing = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        // the first renewal (sent at 1 s of a 3 s ttl) hangs: a store whose timeout is longer than the ttl
        LeaseProvider hanging = (name, ttl) -> leasesA.tryAcquire(name, ttl).map(l -> new ForwardingLease(l) {
            @Override
            public boolean renew(Duration t) {
                renewing.countDown();
                try {
                    assertTrue(answer.await(60, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                return false;
            }
        });
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        Scheduler a = goflow.scheduler().name("jobs").workers(1).build();
        a.task(ctx -> {
            ctx.onDone(cancelled::countDown);
            running.countDown();
            assertTrue(cancelled.await(60, TimeUnit.SECONDS));
        }).id("hang").oncePerCluster(hanging, TTL).once(Duration.ZERO);
        a.start();
        try {
            assertTrue(running.await(10, TimeUnit.SECONDS));
            Eventually.until(() -> {
                clock.advance(Duration.ofMillis(100)); // to 1 s, where the renewal is sent
                return renewing.getCount() == 0 || clock.nanoTime() > TTL.toNanos();
            });
            assertEquals(0, renewing.getCount(), "a renewal was sent");
            assertEquals(1, cancelled.getCount(), "the run goes on while its lease may still be held");
            clock.advance(TTL); // the store has let the lease go; the renewal still hangs
            assertTrue(cancelled.await(10, TimeUnit.SECONDS),
                    "the run was not cancelled when its lease ran out, because a renewal still waited for the store");
        } finally {
            answer.countDown();
        }
    }
}
