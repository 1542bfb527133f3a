package goflow.impl.ratelimit;

import static goflow.impl.ratelimit.TokenBucketTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.ClosedException;
import goflow.api.GoFlowException;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.ConcurrencyLimiterStats;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/** Tests of the concurrency limiter. */
class ConcurrencyLimiterTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "test");
    private final Context background = Context.background(clock);

    @AfterEach
    void closeAll() {
        goflow.close();
    }

    private ConcurrencyLimiter limiter(int capacity, boolean fair) {
        return goflow.concurrencyLimiter().capacity(capacity).fair(fair).build();
    }

    @Test
    void tryAcquireAndReleaseKeepInUsePlusAvailableEqualToCapacity() {
        ConcurrencyLimiter l = limiter(3, false);
        assertTrue(l.tryAcquire(2));
        assertFalse(l.tryAcquire(2));
        assertTrue(l.tryAcquire());
        assertEquals(3, l.inUse());
        assertEquals(0, l.available());
        assertTrue(l.tryAcquire(0));
        l.release(2);
        assertEquals(1, l.inUse());
        assertEquals(2, l.available());
        ConcurrencyLimiterStats s = l.stats();
        assertEquals(new ConcurrencyLimiterStats(3, 1, 2, 0, false, 3, 1, 0, 0), s);
        assertEquals(List.of("capacity", "inUse", "available", "waiting", "fair", "acquired", "rejected", "waited",
                "cancelled"), List.copyOf(s.toMap().keySet()));
    }

    @Test
    void releasingMoreThanAcquiredIsAnErrorAndChangesNothing() {
        ConcurrencyLimiter l = goflow.concurrencyLimiter().name("db").capacity(3).build();
        l.tryAcquire(1);
        GoFlowException e = assertThrows(GoFlowException.class, () -> l.release(2));
        assertEquals("concurrency-limiter 'db': released 2 permits but only 1 are in use - release exactly what was "
                + "acquired", e.getMessage());
        assertEquals(1, l.inUse());
        l.release();
        assertThrows(GoFlowException.class, l::release);
    }

    @Test
    void initialInUseIsHonoured() {
        ConcurrencyLimiter l = goflow.concurrencyLimiter().capacity(5).initialInUse(5).build();
        assertEquals(0, l.available());
        assertFalse(l.tryAcquire());
        l.release(5);
        assertEquals(5, l.available());
    }

    @Test
    void acquireWaitsForARelease() throws InterruptedException {
        ConcurrencyLimiter l = limiter(1, false);
        assertTrue(l.tryAcquire());
        Async a = Async.start("waiter", () -> l.acquire(background));
        Eventually.until(() -> l.waiting() == 1);
        l.release();
        assertNull(a.outcome());
        assertEquals(1, l.inUse());
        assertEquals(0, l.waiting());
        assertEquals(1, l.stats().waited());
    }

    @Test
    void growingTheCapacityWakesWaiters() throws InterruptedException {
        ConcurrencyLimiter l = limiter(1, true);
        l.tryAcquire();
        Async a = Async.start("a", () -> l.acquire(background, 2));
        Async b = Async.start("b", () -> l.acquire(background, 1));
        Eventually.until(() -> l.waiting() == 2);
        l.setCapacity(4);
        assertNull(a.outcome());
        assertNull(b.outcome());
        assertEquals(4, l.inUse());
    }

    @Test
    void shrinkingBelowUseIsHonouredAsPermitsComeBack() {
        ConcurrencyLimiter l = limiter(5, false);
        assertTrue(l.tryAcquire(5));
        l.setCapacity(2);
        assertEquals(-3, l.available());
        l.release(2);
        assertEquals(-1, l.available());
        assertFalse(l.tryAcquire(), "still above the new capacity");
        l.release(2);
        assertEquals(1, l.available());
        assertTrue(l.tryAcquire());
        assertFalse(l.tryAcquire());
        l.release(2);
        assertEquals(2, l.available());
        assertEquals(0, l.inUse());
    }

    @Test
    void fairLimiterDoesNotStarveALargeRequest() throws InterruptedException {
        ConcurrencyLimiter l = limiter(3, true);
        assertTrue(l.tryAcquire(2));
        Async big = Async.start("big", () -> l.acquire(background, 3));
        Eventually.until(() -> l.waiting() == 1);
        assertFalse(l.tryAcquire(1), "no barging ahead of a waiter");
        Async small = Async.start("small", () -> l.acquire(background, 1));
        Eventually.until(() -> l.waiting() == 2);
        l.release(1);
        assertFalse(big.isDone());
        assertFalse(small.isDone(), "the small request waits behind the big one although a permit is free");
        l.release(1);
        assertNull(big.outcome());
        assertEquals(3, l.inUse());
        l.release(3);
        assertNull(small.outcome());
    }

    @Test
    void nonFairLimiterLetsSmallRequestsPass() throws InterruptedException {
        ConcurrencyLimiter l = limiter(3, false);
        assertTrue(l.tryAcquire(2));
        Async big = Async.start("big", () -> l.acquire(background, 3));
        Eventually.until(() -> l.waiting() == 1);
        assertTrue(l.tryAcquire(1), "barging is allowed");
        l.release(1);
        Async small = Async.start("small", () -> l.acquire(background, 1));
        assertNull(small.outcome());
        l.release(3);
        assertNull(big.outcome());
    }

    @Test
    void cancelledWaiterLeavesAndUnblocksThoseBehindIt() throws InterruptedException {
        ConcurrencyLimiter l = limiter(2, true);
        l.tryAcquire(1);
        CancellableContext ctx = background.withCancel();
        Async big = Async.start("big", () -> l.acquire(ctx, 2));
        Eventually.until(() -> l.waiting() == 1);
        Async small = Async.start("small", () -> l.acquire(background, 1));
        Eventually.until(() -> l.waiting() == 2);
        ctx.cancel();
        assertInstanceOf(CancelledException.class, big.outcome());
        assertNull(small.outcome());
        assertEquals(2, l.inUse());
        assertEquals(1, l.stats().cancelled());
    }

    @Test
    void deadlineAndInterruptEndAWaitWithoutHoldingPermits() throws InterruptedException {
        ConcurrencyLimiter l = limiter(1, false);
        l.tryAcquire();
        CancellableContext ctx = background.withTimeout(Duration.ofSeconds(1));
        Async timed = Async.start("timed", () -> l.acquire(ctx));
        Async interrupted = Async.start("interrupted", () -> l.acquire(background));
        Eventually.until(() -> l.waiting() == 2);
        clock.advance(Duration.ofSeconds(1));
        assertInstanceOf(DeadlineExceededException.class, timed.outcome());
        interrupted.interrupt();
        assertInstanceOf(InterruptedException.class, interrupted.outcome());
        assertEquals(1, l.inUse());
        assertEquals(0, l.waiting());
    }

    @Test
    void cancellationAtTheMomentOfTheGrantNeverLosesAPermit() throws InterruptedException {
        ConcurrencyLimiter l = limiter(1, true);
        for (int i = 0; i < 300; i++) {
            assertTrue(l.tryAcquire());
            CancellableContext ctx = Context.background().withCancel();
            Async w = Async.start("w" + i, () -> l.acquire(ctx));
            Eventually.until(() -> l.waiting() == 1);
            Async canceller = Async.start("c" + i, ctx::cancel);
            l.release();
            Throwable outcome = w.outcome();
            canceller.outcome();
            if (outcome == null) {
                assertEquals(1, l.inUse(), "granted: the waiter holds the permit");
                l.release();
            } else {
                assertInstanceOf(CancelledException.class, outcome);
            }
            assertEquals(0, l.inUse(), "iteration " + i);
            assertEquals(1, l.available());
            assertEquals(0, l.waiting());
        }
    }

    @Test
    void closeFailsWaitersButStillAcceptsReleases() throws InterruptedException {
        ConcurrencyLimiter l = goflow.concurrencyLimiter().name("c").capacity(1).build();
        l.tryAcquire();
        Async a = Async.start("waiter", () -> l.acquire(background));
        Eventually.until(() -> l.waiting() == 1);
        l.close();
        assertInstanceOf(ClosedException.class, a.outcome());
        assertThrows(ClosedException.class, l::tryAcquire);
        l.release();
        assertEquals(0, l.inUse());
        assertTrue(goflow.registry().find("c").isEmpty());
    }

    @Test
    void invalidArgumentsAreRejectedWithTheirMessage() {
        assertMessage("concurrency-limiter: invalid capacity=0 (must be positive) - capacity is the most permits in "
                + "use at once", () -> goflow.concurrencyLimiter().capacity(0));
        assertMessage("concurrency-limiter: invalid capacity=-1 (must be positive) - capacity is the most permits in "
                + "use at once", () -> goflow.concurrencyLimiter().capacity(-1));
        assertMessage("concurrency-limiter: invalid capacity=null (is required) - call capacity(n) with n >= 1",
                () -> goflow.concurrencyLimiter().build());
        assertMessage("concurrency-limiter: invalid initialInUse=4 (must not exceed the capacity 3) - permits held at "
                + "creation", () -> goflow.concurrencyLimiter().capacity(3).initialInUse(4).build());
        assertMessage("concurrency-limiter: invalid fair=false (was already set) - set each builder field once",
                () -> goflow.concurrencyLimiter().fair(true).fair(false));
        ConcurrencyLimiter l = goflow.concurrencyLimiter().name("x").capacity(2).build();
        assertMessage("concurrency-limiter 'x': invalid capacity=0 (must be positive) - capacity is the most permits "
                + "in use at once", () -> l.setCapacity(0));
        assertMessage("concurrency-limiter 'x': invalid n=-1 (must not be negative) - ask for zero or more permits",
                () -> l.tryAcquire(-1));
        assertMessage("concurrency-limiter 'x': invalid n=-1 (must not be negative) - ask for zero or more permits",
                () -> l.release(-1));
        assertMessage("concurrency-limiter 'x': invalid ctx=null (must not be null) - pass Context.background() to "
                + "wait without a deadline", () -> l.acquire(null, 1));
        assertEquals(2, l.capacity());
    }
}
