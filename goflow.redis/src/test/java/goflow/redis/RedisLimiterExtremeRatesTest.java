package goflow.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.ratelimit.Reservation;
import goflow.api.ratelimit.ZeroRateException;
import goflow.api.testing.ManualClock;
import goflow.redis.streams.RedisServer;

/**
 * Redis limiters at the edges of their numbers, on a real redis-server (started by the test on
 * 127.0.0.1; the fallback test starts its own and kills it by PID): a positive rate so small that
 * the tokens would take longer than {@link Long#MAX_VALUE} nanoseconds (292 years) to come must
 * fail like a zero rate when the context has no deadline, in Redis and in the local fallback
 * bucket alike, as the local token bucket does (never a deadline the context does not have: the Go
 * reference's defect B-TB2).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisLimiterExtremeRatesTest {
    @RegisterExtension
    final RedisNodes fleet = new RedisNodes(Duration.ofSeconds(2));
    private int test;

    private String name(String what) {
        return what + "-" + (++test);
    }

    /**
     * Runs {@code await(ctx, 1)} on its own thread and returns what it threw (null if it returned):
     * a defect that waits for centuries or spins fails the test instead of hanging it.
     */
    private static Throwable awaitOutcome(RateLimiter l, Context ctx) throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                l.await(ctx, 1);
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        }, "test-await");
        t.start();
        try {
            return outcome.get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            t.join(10_000);
            return fail("await(ctx, 1) neither returned nor failed within 20 s: " + l);
        }
    }

    @Test
    void theLocalFallbackAtARateTooSmallToWaitForFailsLikeAZeroRateNotWithAFakeDeadline() throws Exception {
        ManualClock clock = new ManualClock();
        Context noDeadline = Context.background(clock);
        RedisServer own = RedisServer.start();
        try (RedisConnection conn = RedisConnection.builder().name("fallback").uri("redis://127.0.0.1:" + own.port())
                .timeout(Duration.ofMillis(500)).reconnectInterval(Duration.ofMillis(50)).build()) {
            // the local bucket gets a quarter: 1e-10 tokens/s (one per 317 years) and a burst of 1
            RedisRateLimiter tiny = conn.rateLimiter().name(name("tiny")).rate(4e-10).burst(4)
                    .failurePolicy(FailurePolicy.LOCAL).localShare(0.25).clock(clock).build();
            // a positive fleet rate whose quarter is zero in floating point
            RedisRateLimiter underflow = conn.rateLimiter().name(name("underflow")).rate(Double.MIN_VALUE).burst(4)
                    .failurePolicy(FailurePolicy.LOCAL).localShare(0.25).clock(clock).build();
            own.kill();

            assertTrue(tiny.allow(), "the local bucket starts full: one token");
            Throwable e = awaitOutcome(tiny, noDeadline);
            assertInstanceOf(ZeroRateException.class, e, "no deadline, so none may be reported: " + e);
            assertEquals(1, ((ZeroRateException) e).requested());
            assertEquals(0.0, tiny.tokens(), 1e-6, "nothing consumed");
            try (CancellableContext inAnHour = noDeadline.withTimeout(Duration.ofHours(1))) {
                Throwable d = awaitOutcome(tiny, inAnHour);
                assertInstanceOf(DeadlineExceededException.class, d, "with a deadline, the deadline: " + d);
            }
            Reservation r = tiny.reserve();
            assertFalse(r.ok(), "not ok, as the local token bucket's reserve at such a rate: " + r);
            assertEquals(0.0, tiny.tokens(), 1e-6, "nothing consumed");

            assertTrue(underflow.allow());
            Throwable z = awaitOutcome(underflow, noDeadline);
            assertInstanceOf(ZeroRateException.class, z, "a local rate of zero: " + z);
            assertEquals(3, tiny.stats().denied(), "two awaits and a reservation refused: " + tiny.stats());
            assertTrue(tiny.backendStats().fallbacks() >= 4, tiny.backendStats().toString());
            tiny.close();
            underflow.close();
        } finally {
            own.close();
        }
    }

    /**
     * On Redis, a token every 317 years: the script's wait in microseconds times 1000 overflowed a
     * long, so await asked again after a nanosecond, for ever, and reserve gave an ok reservation
     * with no delay at all.
     */
    @Test
    void awaitOnRedisAtARateTooSmallToWaitForFailsLikeAZeroRate() throws Exception {
        RedisRateLimiter tiny = fleet.nodeA.rateLimiter().name(name("tiny")).rate(1e-10).burst(1).build();
        assertTrue(tiny.allow());
        Throwable e = awaitOutcome(tiny, Context.background());
        assertInstanceOf(ZeroRateException.class, e, "no deadline, so none may be reported: " + e);
        try (CancellableContext inAnHour = Context.background().withTimeout(Duration.ofHours(1))) {
            Throwable d = awaitOutcome(tiny, inAnHour);
            assertInstanceOf(DeadlineExceededException.class, d, "with a deadline, the deadline: " + d);
        }
        Reservation r = tiny.reserve();
        assertFalse(r.ok(), "not ok, as the local token bucket's reserve at such a rate: " + r);
        assertEquals(0.0, tiny.tokens(), 1e-6, "nothing taken");
        assertEquals(3, tiny.stats().denied(), tiny.stats().toString());
        assertEquals(0, tiny.backendStats().fallbacks(), "decided by Redis: " + tiny.backendStats());
        tiny.close();

        // one token per 317,000 years: the wait in microseconds no longer fits a long at all
        RedisRateLimiter tinier = fleet.nodeA.rateLimiter().name(name("tinier")).rate(1e-13).burst(1).build();
        assertTrue(tinier.allow());
        assertInstanceOf(ZeroRateException.class, awaitOutcome(tinier, Context.background()));
        assertFalse(tinier.reserve().ok());
        tinier.close();

        // the same through the local lease, which remembers Redis's refusal
        RedisRateLimiter leased = fleet.nodeA.rateLimiter().name(name("leased")).rate(1e-10).burst(2)
                .localLease(2, Duration.ofSeconds(1)).build();
        assertTrue(leased.allow());
        assertTrue(leased.allow());
        assertInstanceOf(ZeroRateException.class, awaitOutcome(leased, Context.background()));
        assertInstanceOf(ZeroRateException.class, awaitOutcome(leased, Context.background()), "refused locally");
        assertEquals(0, leased.backendStats().fallbacks(), "decided by Redis: " + leased.backendStats());
        leased.close();
    }

    /**
     * Rates so small that Redis cannot keep the bucket's key for the time its tokens take (an
     * expiry of 10^17 ms or more is refused) or a token's interval overflows a double: each is
     * decided by Redis, not by the failure policy (fail-open admitted everything), and an empty
     * bucket's await fails like a zero rate.
     */
    @Test
    void ratesTooSmallForRedisArithmeticAreStillDecidedByRedis() throws Exception {
        RedisRateLimiter slow = fleet.nodeA.rateLimiter().name(name("slow")).rate(1e-15).burst(1)
                .failurePolicy(FailurePolicy.FAIL_OPEN).build();
        assertTrue(slow.allow());
        assertFalse(slow.allow(), "one token per 31 million years: the burst of 1 is taken");
        assertInstanceOf(ZeroRateException.class, awaitOutcome(slow, Context.background()));
        assertEquals(0, slow.backendStats().fallbacks(), "decided by Redis: " + slow.backendStats());
        slow.close();

        RedisRateLimiter slower = fleet.nodeA.rateLimiter().name(name("slower")).rate(1e-300).burst(2)
                .failurePolicy(FailurePolicy.FAIL_OPEN).build();
        assertTrue(slower.allow(2));
        assertFalse(slower.allow());
        assertInstanceOf(ZeroRateException.class, awaitOutcome(slower, Context.background()));
        assertEquals(0, slower.backendStats().fallbacks(), "decided by Redis: " + slower.backendStats());
        slower.close();

        // an interval (1e6 / rate microseconds) beyond a double: zero in effect, and a zero rate on
        // Redis admits nothing (RedisRateLimiter's class description)
        RedisRateLimiter infinitesimal = fleet.nodeA.rateLimiter().name(name("infinitesimal")).rate(Double.MIN_VALUE)
                .burst(2).failurePolicy(FailurePolicy.FAIL_OPEN).build();
        assertFalse(infinitesimal.allow());
        assertInstanceOf(ZeroRateException.class, awaitOutcome(infinitesimal, Context.background()));
        assertFalse(infinitesimal.reserve().ok());
        assertEquals(0, infinitesimal.backendStats().fallbacks(), "decided by Redis: " + infinitesimal.backendStats());
        infinitesimal.close();
    }

    /**
     * Request sizes and bursts up to {@link RateLimiter#MAX_BURST}: the script printed a grant of
     * 10^14 tokens or more as "1e+14" (which the client could not read), and refused to keep a
     * bucket whose refill takes more than 10^17 ms; a huge rate is unlimited in effect.
     */
    @Test
    void hugeBurstsAndRatesAreDecidedByRedis() throws Exception {
        RedisRateLimiter big = fleet.nodeA.rateLimiter().name(name("big")).rate(1e9).burst(RateLimiter.MAX_BURST)
                .build();
        assertTrue(big.allow(100_000_000_000_000L), "10^14 tokens of a full bucket of 2^52");
        assertFalse(big.allow(RateLimiter.MAX_BURST), "the whole burst is no longer there");
        assertEquals(0, big.backendStats().fallbacks(), "decided by Redis: " + big.backendStats());
        big.close();

        RedisRateLimiter slowRefill = fleet.nodeA.rateLimiter().name(name("slow-refill")).rate(1)
                .burst(RateLimiter.MAX_BURST).build();
        assertTrue(slowRefill.allow(RateLimiter.MAX_BURST), "a full bucket of 2^52 (142 million years to refill)");
        assertFalse(slowRefill.allow());
        Reservation r = slowRefill.reserve();
        assertTrue(r.ok(), "a second's wait: " + r);
        assertTrue(r.delay().compareTo(Duration.ofSeconds(2)) <= 0, r.toString());
        assertEquals(0, slowRefill.backendStats().fallbacks(), "decided by Redis: " + slowRefill.backendStats());
        slowRefill.close();

        RedisRateLimiter fast = fleet.nodeA.rateLimiter().name(name("fast")).rate(1e300).burst(1).build();
        for (int i = 0; i < 100; i++) {
            assertTrue(fast.allow(), "call " + i);
        }
        fast.await(Context.background(), 1);
        assertTrue(fast.reserve().ok());
        assertEquals(0, fast.backendStats().fallbacks(), "decided by Redis: " + fast.backendStats());
        fast.close();
    }
}
