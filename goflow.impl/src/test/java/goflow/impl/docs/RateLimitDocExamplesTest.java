package goflow.impl.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.GoFlowException;
import goflow.api.InvalidConfigException;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.ratelimit.BurstExceededException;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.KeyedRateLimiter;
import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.Rate;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.ratelimit.Reservation;
import goflow.api.ratelimit.ZeroRateException;
import goflow.api.testing.ManualClock;
import goflow.impl.testing.NoThreadLeaks;

/**
 * The code examples and the concrete claims of docs/ratelimit.md, compiled and run. Keep the
 * bodies in step with the page.
 */
class RateLimitDocExamplesTest extends NoThreadLeaks.LeakCheckedTest {

    @Test
    void theTokenBucketExample() throws Exception {
        try (GoFlow goflow = GoFlow.load()) {
            RateLimiter api = goflow.tokenBucket().name("api").rate(100).burst(200).build();

            assertTrue(api.allow());

            try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(2))) {
                api.await(ctx, 5);
            }

            Reservation r = api.reserve(10);
            if (r.delay().compareTo(Duration.ofMillis(500)) > 0) {
                r.cancel();
            }
            assertTrue(r.ok());
        }
    }

    @Test
    void builderErrorsNameComponentFieldValueAndRule() {
        try (GoFlow goflow = GoFlow.load()) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> goflow.tokenBucket().burst(0));
            assertEquals("token-bucket: invalid burst=0 (must be positive) - burst is the number of tokens that can "
                    + "be taken at once", e.getMessage());
            assertThrows(InvalidConfigException.class, () -> goflow.tokenBucket().rate(1).rate(2));
            assertTrue(goflow.registry().snapshot().isEmpty());
        }
    }

    @Test
    void tokenBucketRules() throws Exception {
        ManualClock clock = new ManualClock();
        try (GoFlow goflow = GoFlow.load()) {
            RateLimiter l = goflow.tokenBucket().rate(10).burst(5).initialTokens(50).clock(clock).build();
            assertEquals(5, l.tokens(), 0.0);                       // initialTokens clamped to the burst
            assertFalse(l.allow(6));                                 // n > burst is always false
            Context ctx = Context.background(clock);
            assertThrows(BurstExceededException.class, () -> l.await(ctx, 6));
            assertEquals(5, l.tokens(), 0.0);                       // consuming nothing

            RateLimiter zero = goflow.tokenBucket().rate(Rate.ZERO).burst(1).clock(clock).build();
            assertTrue(zero.allow());
            assertThrows(ZeroRateException.class, () -> zero.await(ctx, 1));
            assertFalse(zero.reserve(1).ok());

            // "reserve(10) of a full bucket of 10, then r = reserve(10), setRate(1), r.cancel() leaves 0 tokens"
            RateLimiter b = goflow.tokenBucket().rate(10).burst(10).clock(clock).build();
            b.reserve(10);
            Reservation r = b.reserve(10);
            b.setRate(1);
            r.cancel();
            assertEquals(0, b.tokens(), 1e-9);
        }
    }

    @Test
    void rates() {
        assertEquals(Rate.perSecond(10), Rate.every(Duration.ofMillis(100)));
        assertEquals(Rate.UNLIMITED, Rate.every(Duration.ZERO));
        assertEquals(0.5, Rate.of(30, Duration.ofMinutes(1)).eventsPerSecond(), 1e-12);
    }

    @Test
    void theLeakyBucketExample() throws Exception {
        ManualClock clock = new ManualClock();
        try (GoFlow goflow = GoFlow.load()) {
            LeakyBucket writes = goflow.leakyBucket().name("db-writes").leakRate(50).capacity(10).clock(clock)
                    .build();
            writes.await(Context.background(clock), 1);
            double queued = writes.level();
            assertEquals(1, queued, 0.0);
            assertEquals(writes.tokens(), writes.available(), 0.0);
            assertEquals(writes.capacity() - writes.level(), writes.available(), 0.0);

            LeakyBucket full = goflow.leakyBucket().leakRate(1).capacity(4).initialLevel(9).clock(clock).build();
            assertEquals(4, full.level(), 0.0);                     // clamped to the capacity
        }
    }

    @Test
    void theConcurrencyLimiterExample() throws Exception {
        try (GoFlow goflow = GoFlow.load()) {
            Context ctx = Context.background();
            ConcurrencyLimiter db = goflow.concurrencyLimiter().name("db").capacity(20).fair(true).build();

            db.acquire(ctx, 1);
            try {
                assertEquals(1, db.inUse());
            } finally {
                db.release(1);
            }

            if (db.tryAcquire()) {
                try {
                    assertEquals(19, db.available());
                } finally {
                    db.release();
                }
            }

            assertTrue(db.tryAcquire(5));
            db.setCapacity(2);
            assertEquals(-3, db.available());                       // shrinking below use
            assertEquals(db.capacity(), db.inUse() + db.available());
            assertThrows(GoFlowException.class, () -> db.release(6));
            assertEquals(5, db.inUse());                            // changed nothing
            db.close();
            db.release(5);                                          // release works after close()
            assertEquals(0, db.inUse());
        }
    }

    @Test
    void thePerClientExample() throws Exception {
        try (GoFlow goflow = GoFlow.load()) {
            KeyedRateLimiter<String> perClient = goflow.keyedRateLimiter().name("per-client")
                    .rate(10).burst(20).maxKeys(100_000).idleTimeout(Duration.ofMinutes(10)).build();
            assertTrue(perClient.allow("client-1"));
            assertEquals(List.of("rate", "burst", "keys", "maxKeys", "idleTimeout", "allowed", "denied", "waited",
                    "evicted", "evictedIdle", "evictedFull"), List.copyOf(perClient.stats().toMap().keySet()));
        }
    }

    @Test
    void testingWithAManualClock() {
        try (GoFlow goflow = GoFlow.load()) {
            ManualClock clock = new ManualClock();
            RateLimiter l = goflow.tokenBucket().rate(10).burst(1).clock(clock).build();
            assertTrue(l.allow());
            clock.advance(Duration.ofMillis(99));
            assertFalse(l.allow());
            clock.advance(Duration.ofMillis(1));
            assertTrue(l.allow());
        }
    }
}
