package goflow.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import goflow.api.context.Context;
import goflow.api.ratelimit.Reservation;
import goflow.api.testing.ManualClock;
import goflow.redis.streams.RedisServer;

/**
 * Edges of the fleet-wide token bucket on a real redis-server (started on 127.0.0.1 and stopped
 * by PID), against the contracts of goflow.api's RateLimiter, Reservation and RateLimiterStats:
 * a change of burst or rate keeps the tokens the bucket has, a cancelled reservation gives back
 * what later ones do not build on, and the counters count what the local token bucket's count.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisLimiterEdgeReviewTest {
    @RegisterExtension
    final RedisNodes fleet = new RedisNodes(Duration.ofMillis(500));
    private int test;

    private String name(String what) {
        return what + "-" + (++test);
    }

    @Test
    void raisingTheBurstOfAnEmptyBucketGivesNoTokens() {
        // RateLimiter.setBurst: "the tokens present are clamped to the new burst". The GCRA keeps its
        // debt in time, so raising the burst from 10 to 100 handed an empty bucket 90 tokens at once.
        String name = name("burst-raised");
        RedisRateLimiter a = fleet.nodeA.rateLimiter().name(name).rate(0.001).burst(10).build();
        RedisRateLimiter b = fleet.nodeB.rateLimiter().name(name).rate(0.001).burst(10).build();
        assertTrue(a.allow(10));
        a.setBurst(100);
        assertFalse(b.allow(), "an empty bucket stays empty when the burst is raised (tokens " + b.tokens() + ")");
        assertTrue(b.tokens() < 1, "tokens " + b.tokens());
        assertEquals(100, b.burst());
        a.close();
        b.close();
    }

    @Test
    void loweringTheBurstClampsTheTokensToIt() {
        // 50 tokens of 100, burst lowered to 10: 10 tokens (clamped), not 10 - 50 = -40
        String name = name("burst-lowered");
        RedisRateLimiter a = fleet.nodeA.rateLimiter().name(name).rate(0.001).burst(100).build();
        RedisRateLimiter b = fleet.nodeB.rateLimiter().name(name).rate(0.001).burst(100).build();
        assertTrue(a.allow(50));
        a.setBurst(10);
        assertTrue(b.allow(10), "the 50 tokens present are clamped to the new burst of 10 (tokens " + b.tokens()
                + ")");
        assertFalse(b.allow());
        a.close();
        b.close();
    }

    @Test
    void aBucketWrittenAsAPlainNumberKeepsItsTokensAcrossAChangeOfRate() {
        // a TAT written by an earlier version (no rate and burst with it) is converted from the
        // configuration the hash held before the change, as it was before buckets carried theirs
        String name = name("plain-tat");
        RedisRateLimiter a = fleet.nodeA.rateLimiter().name(name).rate(10).burst(100).build();
        assertTrue(a.allow());
        fleet.raw.eval("local t = redis.call('TIME') redis.call('SET', KEYS[1], string.format('%.3f', "
                + "(tonumber(t[1]) - 1735689600) * 1000000 + tonumber(t[2]) + 10000000), 'PX', 10000)", 1,
                "goflow:rl:{" + name + "}"); // 100 tokens taken at 10/s
        a.setRate(0.01);
        assertFalse(a.allow(), "the empty bucket stays empty at the lower rate (tokens " + a.tokens() + ")");
        assertEquals(0, a.backendStats().failures(), a.backendStats().toString());
        a.close();
    }

    @Test
    void aChangeOfRateKeepsTheDebtOfAReservation() {
        // a reservation took 5 tokens the bucket did not have (tokens -5, its holder acts in 5000 s);
        // a change of rate keeps them as the local token bucket does (Go's SetLimit), and must not
        // forgive the debt: others would be admitted alongside the reservation's holder
        String name = name("debt");
        RedisRateLimiter a = fleet.nodeA.rateLimiter().name(name).rate(0.001).burst(10).build();
        RedisRateLimiter b = fleet.nodeB.rateLimiter().name(name).rate(0.001).burst(10).build();
        assertTrue(a.allow(10));
        assertTrue(a.reserve(5).ok());
        assertTrue(b.tokens() < -4.9, "tokens " + b.tokens());
        a.setRate(0.002);
        double t = b.tokens();
        assertTrue(t < -4.9 && t > -5.1, "the debt of 5 tokens is kept at the new rate: tokens " + t);
        a.close();
        b.close();
    }

    @Test
    void cancelGivesBackOnlyWhatLaterReservationsDoNotBuildOn() {
        // Reservation.cancel, after golang.org/x/time/rate: "the reserved tokens minus those that
        // reservations made later already build on". B's time to act was computed on top of A's
        // tokens; giving A's 5 back in full let a new caller act before B, beside it
        String name = name("cancel");
        RedisRateLimiter a = fleet.nodeA.rateLimiter().name(name).rate(0.001).burst(10).build();
        RedisRateLimiter b = fleet.nodeB.rateLimiter().name(name).rate(0.001).burst(10).build();
        assertTrue(a.allow(10));
        Reservation first = a.reserve(5);
        Reservation later = b.reserve(2);
        assertTrue(first.ok() && later.ok());
        assertEquals(-7, b.tokens(), 0.01);
        first.cancel();
        assertEquals(-4, b.tokens(), 0.01, "5 given back, less the 2 the later reservation builds on");
        later.cancel();
        assertEquals(-2, b.tokens(), 0.01, "the last reservation gives back all of its tokens");
        assertEquals(2, a.stats().cancelled() + b.stats().cancelled());
        a.close();
        b.close();
    }

    @Test
    void cancelOfALocalFallbackReservationGivesBackOnlyWhatLaterOnesDoNotBuildOn() throws Exception {
        ManualClock clock = new ManualClock();
        RedisServer own = RedisServer.start();
        try (RedisConnection conn = RedisConnection.builder().name("cancel-local").uri("redis://127.0.0.1:"
                + own.port()).timeout(Duration.ofMillis(500)).reconnectInterval(Duration.ofMillis(50)).build()) {
            RedisRateLimiter l = conn.rateLimiter().name(name("cancel-local")).rate(1).burst(10)
                    .failurePolicy(FailurePolicy.LOCAL).localShare(1).clock(clock).build();
            own.kill();
            assertTrue(l.allow(10), "the local bucket starts full");
            Reservation first = l.reserve(5);
            Reservation later = l.reserve(2);
            assertTrue(first.ok() && later.ok());
            assertEquals(Duration.ofSeconds(5), first.delay());
            assertEquals(Duration.ofSeconds(7), later.delay());
            assertEquals(-7, l.tokens(), 1e-6);
            first.cancel();
            assertEquals(-4, l.tokens(), 1e-6, "5 given back, less the 2 the later reservation builds on");
            later.cancel();
            assertEquals(-2, l.tokens(), 1e-6, "the last reservation gives back all of its tokens");
            l.close();
        } finally {
            own.close();
        }
    }

    @Test
    void zeroTokensAllowedAndReservedAreCountedAsAdmitted() {
        // RateLimiterStats.allowed: "allow calls that returned true ... and ok reservations", as the
        // local token bucket counts allow(0) and reserve(0)
        RedisRateLimiter l = fleet.nodeA.rateLimiter().name(name("zero-n")).rate(0.001).burst(1).build();
        assertTrue(l.allow(0));
        assertTrue(l.reserve(0).ok());
        assertEquals(2, l.stats().allowed(), l.stats().toString());
        assertEquals(0, l.stats().denied());
        l.close();
    }

    @Test
    @Order(Integer.MAX_VALUE) // it kills and restarts Redis: the other tests run before it
    void aFailClosedAwaitThatWaitedThroughAnOutageIsCountedAsWaited() throws Exception {
        RedisRateLimiter l = fleet.nodeA.rateLimiter().name(name("outage")).rate(1000).burst(1000)
                .failurePolicy(FailurePolicy.FAIL_CLOSED).build();
        assertTrue(l.allow());
        fleet.server.kill();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !l.allow());
        CompletableFuture<Void> admitted = CompletableFuture.runAsync(() -> {
            try {
                l.await(Context.background());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> l.backendStats().fallbacks() >= 3);
        assertFalse(admitted.isDone(), "fail-closed: nothing is admitted while Redis is away");
        fleet.server.restart(); // empty: the script is gone too (NOSCRIPT, then EVAL)
        admitted.get(30, TimeUnit.SECONDS);
        assertEquals(1, l.stats().waited(), "the await waited for Redis to come back: " + l.stats());
        assertEquals(2, l.stats().allowed(), l.stats().toString());
        l.close();
    }

    @Test
    void anInterruptedAwaitOnTheLocalFallbackCountsItsTokensAsCancelled() throws Exception {
        // RateLimiterStats.cancelled: "reservations cancelled (including those of interrupted or
        // expired waits)": the local await took its token, then gave it back when interrupted
        ManualClock clock = new ManualClock();
        RedisServer own = RedisServer.start();
        try (RedisConnection conn = RedisConnection.builder().name("interrupted-local").uri("redis://127.0.0.1:"
                + own.port()).timeout(Duration.ofMillis(500)).reconnectInterval(Duration.ofMillis(50)).build()) {
            RedisRateLimiter l = conn.rateLimiter().name(name("interrupted-local")).rate(1).burst(1)
                    .failurePolicy(FailurePolicy.LOCAL).localShare(1).clock(clock).build();
            own.kill();
            assertTrue(l.allow());
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread waiter = new Thread(() -> {
                try {
                    l.await(Context.background(clock));
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            }, "test-local-await");
            waiter.start();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> l.tokens() < -0.5);
            waiter.interrupt();
            assertTrue(outcome.get(30, TimeUnit.SECONDS) instanceof InterruptedException);
            waiter.join(10_000);
            assertEquals(0, l.tokens(), 1e-6, "the token is given back");
            assertEquals(1, l.stats().cancelled(), l.stats().toString());
            assertEquals(0, l.stats().waited(), "not admitted: " + l.stats());
            l.close();
        } finally {
            own.close();
        }
    }

    @Test
    void aChangeOfRateOnANodeThatHasNotSeenAnotherNodesChangeOfBurstKeepsThatBurst() {
        // setRate writes the rate; it must not write back the burst this node last saw, undoing the
        // fleet's change of burst made on another node meanwhile (and the same for setBurst and the rate)
        String name = name("two-changes");
        RedisRateLimiter a = fleet.nodeA.rateLimiter().name(name).rate(0.001).burst(10).build();
        RedisRateLimiter b = fleet.nodeB.rateLimiter().name(name).rate(0.001).burst(10).build();
        a.setBurst(100);
        b.setRate(0.002); // b has made no decision since: it last saw a burst of 10
        a.tokens();
        assertEquals(100, a.burst(), "the burst node a set stays the fleet's");
        assertEquals(0.002, a.rate().eventsPerSecond(), 1e-12);
        b.setBurst(50);
        a.setRate(0.003); // a last saw the rate of 0.002 and a burst of 100
        b.tokens();
        assertEquals(50, b.burst(), "the burst node b set stays the fleet's");
        assertEquals(0.003, b.rate().eventsPerSecond(), 1e-12);
        a.close();
        b.close();
    }
}
