package goflow.impl.ratelimit;

import static goflow.impl.ratelimit.TokenBucketTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.ClosedException;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.ratelimit.BurstExceededException;
import goflow.api.ratelimit.KeyedRateLimiter;
import goflow.api.ratelimit.KeyedRateLimiterStats;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/** Deterministic tests of the per-key limiter on a {@link ManualClock}. */
class KeyedRateLimiterTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "test");
    private final Context background = Context.background(clock);

    @AfterEach
    void closeAll() {
        goflow.close();
    }

    @Test
    void eachKeyHasItsOwnBucket() {
        KeyedRateLimiter<String> l = goflow.keyedRateLimiter().rate(1).burst(2).build();
        assertTrue(l.allow("a"));
        assertTrue(l.allow("a"));
        assertFalse(l.allow("a"));
        assertTrue(l.allow("b", 2));
        assertEquals(0.0, l.tokens("a"));
        assertEquals(2.0, l.tokens("unknown"), "a key without a bucket has a full one");
        assertEquals(1, l.size() - 1);
        clock.advance(Duration.ofSeconds(1));
        assertTrue(l.allow("a"));
        assertFalse(l.allow("a"));
    }

    @Test
    void idleFullBucketsAreEvictedAndBusyOnesKept() {
        KeyedRateLimiter<String> l = goflow.keyedRateLimiter().rate(1).burst(10)
                .idleTimeout(Duration.ofMinutes(1)).build();
        l.allow("idle");
        l.allow("drained", 10);
        l.allow("recent");
        clock.advance(Duration.ofSeconds(9)); // "drained" holds 9 of 10 tokens
        clock.advance(Duration.ofSeconds(21));
        l.allow("recent");
        clock.advance(Duration.ofSeconds(30));
        assertEquals(3, l.size());
        l.allow("recent"); // this call sweeps: the sweep was due
        // 60 s later: "idle" is idle and full; "drained" idle and full too (refilled); "recent" is in use
        assertEquals(1, l.size());
        assertEquals(0, l.evictIdle());
        KeyedRateLimiterStats s = l.stats();
        assertEquals(2, s.evictedIdle());
        assertEquals(2, s.evicted());
    }

    @Test
    void anIdleBucketThatIsNotFullIsKept() {
        KeyedRateLimiter<String> l = goflow.keyedRateLimiter().rate(0.01).burst(10)
                .idleTimeout(Duration.ofMinutes(1)).build();
        l.allow("slow", 10); // refills in 1000 s
        clock.advance(Duration.ofMinutes(2));
        assertEquals(0, l.evictIdle(), "forgetting it would hand out a fresh burst");
        assertEquals(1.2, l.tokens("slow"), 1e-9);
        clock.advance(Duration.ofSeconds(1000));
        clock.advance(Duration.ofMinutes(1));
        assertEquals(1, l.evictIdle());
    }

    @Test
    void sweepsHappenDuringOrdinaryCalls() {
        KeyedRateLimiter<Integer> l = goflow.keyedRateLimiter().rate(100).burst(1)
                .idleTimeout(Duration.ofSeconds(10)).build();
        for (int i = 0; i < 50; i++) {
            l.allow(i);
        }
        clock.advance(Duration.ofSeconds(11));
        l.allow(-1);
        assertEquals(1, l.size());
        assertEquals(50, l.stats().evictedIdle());
    }

    @Test
    void theNumberOfKeysIsBoundedByEvictingTheLeastRecentlyUsed() {
        KeyedRateLimiter<Integer> l = goflow.keyedRateLimiter().rate(1).burst(1).maxKeys(4)
                .idleTimeout(Duration.ofHours(1)).build();
        for (int i = 0; i < 4; i++) {
            l.allow(i);
            clock.advance(Duration.ofMillis(1));
        }
        l.allow(0); // 0 is now the most recent; 1 the least recent
        for (int i = 100; i < 1_100; i++) {
            assertTrue(l.allow(i));
            assertTrue(l.size() <= 4, "size " + l.size());
        }
        assertEquals(4, l.size());
        assertEquals(1_000, l.stats().evictedFull());
    }

    @Test
    void awaitWaitsOnTheKeysBucket() throws InterruptedException {
        KeyedRateLimiter<String> l = goflow.keyedRateLimiter().rate(10).burst(1).build();
        assertTrue(l.allow("k"));
        assertThrows(BurstExceededException.class, () -> l.await(background, "k", 2));
        try (CancellableContext ctx = background.withTimeout(Duration.ofMillis(10))) {
            assertThrows(DeadlineExceededException.class, () -> l.await(ctx, "k"));
        }
        l.await(background, "other");
        Async a = Async.start("waiter", () -> l.await(background, "k"));
        Eventually.until(() -> clock.parkedThreads() == 1);
        clock.advance(Duration.ofMillis(100));
        assertNull(a.outcome());
        assertEquals(1, l.stats().waited());
    }

    @Test
    void statsAndClose() {
        KeyedRateLimiter<String> l = goflow.keyedRateLimiter().name("gw").rate(5).burst(1).maxKeys(7).build();
        l.allow("a");
        l.allow("a");
        KeyedRateLimiterStats s = l.stats();
        assertEquals(new KeyedRateLimiterStats(5, 1, 1, 7, Duration.ofMinutes(10), 1, 1, 0, 0, 0), s);
        assertEquals(11, s.toMap().size());
        l.close();
        assertThrows(ClosedException.class, () -> l.allow("a"));
        assertTrue(goflow.registry().find("gw").isEmpty());
    }

    @Test
    void invalidArgumentsAreRejectedWithTheirMessage() {
        assertMessage("keyed-rate-limiter: invalid maxKeys=0 (must be positive) - the most client keys held at once",
                () -> goflow.keyedRateLimiter().maxKeys(0));
        assertMessage("keyed-rate-limiter: invalid idleTimeout=PT0S (must be positive) - how long a key must be unused "
                + "before its full bucket is evicted", () -> goflow.keyedRateLimiter().idleTimeout(Duration.ZERO));
        assertMessage("keyed-rate-limiter: invalid idleTimeout=null (must not be null)",
                () -> goflow.keyedRateLimiter().idleTimeout(null));
        assertMessage("keyed-rate-limiter: invalid rate=-1.0 (must not be negative) - " + Limits.RATE_HINT,
                () -> goflow.keyedRateLimiter().rate(-1));
        assertMessage("keyed-rate-limiter: invalid burst=0 (must be positive) - " + TokenBucketImpl.BURST_HINT,
                () -> goflow.keyedRateLimiter().burst(0));
        KeyedRateLimiter<String> l = goflow.keyedRateLimiter().name("k").rate(1).build();
        assertMessage("keyed-rate-limiter 'k': invalid key=null (must not be null) - use a non-null client key",
                () -> l.allow(null));
        assertMessage("keyed-rate-limiter 'k': invalid n=-2 (must not be negative) - ask for zero or more tokens",
                () -> l.allow("a", -2));
    }
}
