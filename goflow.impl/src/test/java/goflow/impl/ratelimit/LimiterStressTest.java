package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.context.ContextException;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.KeyedRateLimiter;
import goflow.api.ratelimit.Rate;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.ratelimit.Reservation;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;
import goflow.impl.testing.Stress;

/**
 * Many threads hammering each limiter for a bounded time on the real clock, then invariants: tokens
 * never above the burst, admissions never above {@code burst + rate * elapsed}, permits conserved,
 * no waiter stuck. No timing assertions beyond generous accuracy bounds.
 */
@Stress
class LimiterStressTest extends NoThreadLeaks.LeakCheckedTest {
    private static final long RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);
    private static final int THREADS = 4;

    private final GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "stress");

    @AfterEach
    void closeAll() {
        goflow.close();
    }

    /** A body run in a loop by each worker until the time is up; it may throw to fail the test. */
    interface Body {
        void run(int worker, ThreadLocalRandom random) throws Exception;
    }

    private static void hammer(int threads, Body body) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long end = System.nanoTime() + RUN_NANOS;
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                try {
                    while (System.nanoTime() - end < 0 && failure.get() == null) {
                        body.run(id, random);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "stress-" + i);
            workers.add(t);
            t.start();
        }
        for (Thread t : workers) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(!t.isAlive(), t.getName() + " is stuck");
        }
        if (failure.get() != null) {
            throw new AssertionError("a worker failed", failure.get());
        }
    }

    @Test
    void tokenBucketNeverAdmitsMoreThanBurstPlusRateTimesTime() throws InterruptedException {
        long start = System.nanoTime();
        RateLimiter l = goflow.tokenBucket().rate(20_000).burst(100).build();
        AtomicLong admitted = new AtomicLong();
        hammer(THREADS, (id, random) -> {
            int n = 1 + random.nextInt(3);
            if (l.allow(n)) {
                admitted.addAndGet(n);
            }
            double tokens = l.tokens();
            assertTrue(tokens <= 100, "tokens above the burst: " + tokens);
        });
        double elapsed = (System.nanoTime() - start) / 1e9;
        assertTrue(admitted.get() <= 100 + 20_000 * elapsed + 1e-6,
                "admitted " + admitted + " in " + elapsed + " s");
        assertTrue(l.stats().allowed() > 0);
    }

    @Test
    void mixedBucketOperationsKeepTheInvariants() throws InterruptedException {
        RateLimiter l = goflow.tokenBucket().rate(5_000).burst(50).build();
        Context background = Context.background();
        hammer(THREADS, (id, random) -> {
            switch (random.nextInt(6)) {
                case 0:
                    l.allow(1 + random.nextInt(5));
                    break;
                case 1: {
                    Reservation r = l.reserve(1 + random.nextInt(5));
                    if (random.nextBoolean()) {
                        r.cancel();
                    }
                    r.cancel();
                    break;
                }
                case 2:
                    try (CancellableContext ctx = background.withTimeout(Duration.ofMillis(random.nextInt(3)))) {
                        l.await(ctx, 1 + random.nextInt(3));
                    } catch (ContextException expected) {
                        // timed out or known in advance not to make it
                    }
                    break;
                case 3:
                    if (id == 0) {
                        l.setRate(random.nextBoolean() ? 5_000 : 20_000);
                        l.setBurst(random.nextBoolean() ? 50 : 10);
                    }
                    break;
                default:
                    double tokens = l.tokens();
                    assertTrue(tokens <= l.stats().burst() || tokens <= 50, "tokens above the burst: " + tokens);
                    break;
            }
        });
        assertTrue(l.tokens() <= l.burst());
        l.setBurst(50);
        l.setRate(Rate.UNLIMITED); // forgives any debt the cancelled reservations left
        l.setRate(5_000);
        assertEquals(50.0, l.tokens(), 1e-6);
        assertTrue(l.allow(50));
        assertTrue(l.stats().allowed() + l.stats().denied() > 0);
    }

    @Test
    void concurrencyLimiterConservesPermits() throws InterruptedException {
        for (boolean fair : new boolean[] {true, false}) {
            ConcurrencyLimiter l = goflow.concurrencyLimiter().capacity(5).fair(fair).build();
            AtomicInteger holders = new AtomicInteger();
            AtomicInteger maxCapacity = new AtomicInteger(5);
            Context background = Context.background();
            hammer(THREADS + 2, (id, random) -> {
                if (id == 0 && random.nextInt(50) == 0) {
                    l.setCapacity(random.nextBoolean() ? 3 : 5);
                    return;
                }
                int n = 1 + random.nextInt(3);
                boolean got;
                if (random.nextBoolean()) {
                    got = l.tryAcquire(n);
                } else {
                    try (CancellableContext ctx = background.withTimeout(Duration.ofMillis(random.nextInt(3)))) {
                        if (random.nextInt(4) == 0) {
                            ctx.cancel(); // races with the grant
                        }
                        l.acquire(ctx, n);
                        got = true;
                    } catch (ContextException e) {
                        got = false;
                    }
                }
                if (got) {
                    int now = holders.addAndGet(n);
                    assertTrue(now <= maxCapacity.get(), "permits over capacity: " + now);
                    Thread.onSpinWait();
                    holders.addAndGet(-n);
                    l.release(n);
                }
            });
            assertEquals(0, l.inUse(), "fair=" + fair);
            assertEquals(0, l.waiting());
            assertEquals(l.capacity(), l.available());
            assertTrue(l.stats().acquired() > 0);
            l.close();
        }
    }

    @Test
    void keyedLimiterStaysWithinItsKeyBound() throws InterruptedException {
        KeyedRateLimiter<Integer> l = goflow.keyedRateLimiter().rate(1_000).burst(5).maxKeys(50)
                .idleTimeout(Duration.ofMillis(5)).build();
        hammer(THREADS, (id, random) -> {
            l.allow(random.nextInt(200), 1 + random.nextInt(2));
            assertTrue(l.size() <= 50, "keys " + l.size());
        });
        assertTrue(l.size() <= 50);
        assertTrue(l.stats().evicted() > 0);
    }

    @Test
    void waitersAreReleasedByClose() throws InterruptedException {
        RateLimiter l = goflow.tokenBucket().rate(0.001).burst(1).initialTokens(0).build();
        ConcurrencyLimiter c = goflow.concurrencyLimiter().capacity(1).initialInUse(1).build();
        List<Async> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiters.add(Async.start("rl" + i, () -> l.await(Context.background())));
            waiters.add(Async.start("cl" + i, () -> c.acquire(Context.background())));
        }
        Eventually.until(() -> c.waiting() == 3 && l.tokens() <= -2.999);
        goflow.close();
        for (Async a : waiters) {
            assertTrue(a.outcome() instanceof ClosedException);
        }
    }
}
