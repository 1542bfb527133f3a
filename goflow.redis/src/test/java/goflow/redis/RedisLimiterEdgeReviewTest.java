package goflow.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import goflow.api.ratelimit.Reservation;
import goflow.api.testing.ManualClock;
import goflow.redis.streams.RedisServer;

/**
 * Edges of the fleet-wide token bucket on a real redis-server (started on 127.0.0.1 and stopped
 * by PID): a change of burst or rate keeps the tokens the bucket has, as the local token bucket's
 * does (the contract of {@code RateLimiter.setBurst} and {@code setRate}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisLimiterEdgeReviewTest {
    private RedisServer server;
    private RedisConnection nodeA;
    private RedisConnection nodeB;
    private int test;

    @BeforeAll
    void startRedis() throws Exception {
        server = RedisServer.start();
        nodeA = connection("node-a");
        nodeB = connection("node-b");
    }

    private RedisConnection connection(String name) {
        return RedisConnection.builder().name(name).uri("redis://127.0.0.1:" + server.port())
                .timeout(Duration.ofMillis(500)).reconnectInterval(Duration.ofMillis(50)).build();
    }

    @AfterAll
    void stopRedis() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {nodeA, nodeB, server}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private String name(String what) {
        return what + "-" + (++test);
    }

    @Test
    void raisingTheBurstOfAnEmptyBucketGivesNoTokens() {
        // RateLimiter.setBurst: "the tokens present are clamped to the new burst". The GCRA keeps its
        // debt in time, so raising the burst from 10 to 100 handed an empty bucket 90 tokens at once.
        String name = name("burst-raised");
        RedisRateLimiter a = nodeA.rateLimiter().name(name).rate(0.001).burst(10).build();
        RedisRateLimiter b = nodeB.rateLimiter().name(name).rate(0.001).burst(10).build();
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
        RedisRateLimiter a = nodeA.rateLimiter().name(name).rate(0.001).burst(100).build();
        RedisRateLimiter b = nodeB.rateLimiter().name(name).rate(0.001).burst(100).build();
        assertTrue(a.allow(50));
        a.setBurst(10);
        assertTrue(b.allow(10), "the 50 tokens present are clamped to the new burst of 10 (tokens " + b.tokens()
                + ")");
        assertFalse(b.allow());
        a.close();
        b.close();
    }

    @Test
    void aChangeOfRateKeepsTheDebtOfAReservation() {
        // a reservation took 5 tokens the bucket did not have (tokens -5, its holder acts in 5000 s);
        // a change of rate keeps them as the local token bucket does (Go's SetLimit), and must not
        // forgive the debt: others would be admitted alongside the reservation's holder
        String name = name("debt");
        RedisRateLimiter a = nodeA.rateLimiter().name(name).rate(0.001).burst(10).build();
        RedisRateLimiter b = nodeB.rateLimiter().name(name).rate(0.001).burst(10).build();
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
        RedisRateLimiter a = nodeA.rateLimiter().name(name).rate(0.001).burst(10).build();
        RedisRateLimiter b = nodeB.rateLimiter().name(name).rate(0.001).burst(10).build();
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
}
