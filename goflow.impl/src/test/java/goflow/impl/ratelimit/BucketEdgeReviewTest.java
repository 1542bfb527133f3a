package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.ratelimit.KeyedRateLimiter;
import goflow.api.context.Context;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/** Review of the bucket limiters at the edges: a clock that throws, extreme values. */
class BucketEdgeReviewTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "test");
    private final Context background = Context.background(clock);

    @AfterEach
    void closeAll() {
        goflow.close();
    }

    /** A clock of the caller's that throws (an Error here) while {@code failing} is set. */
    private Clock failingClock(AtomicBoolean failing) {
        return new Clock() {
            @Override
            public long nanoTime() {
                if (failing.get()) {
                    throw new AssertionError("clock broken: nanoTime");
                }
                return clock.nanoTime();
            }

            @Override
            public Instant instant() {
                return clock.instant();
            }
        };
    }

    /**
     * The limiter's clock is the caller's code. A configuration change freezes the current epoch and
     * then reads the clock: when that read threw, the epoch stayed frozen with no successor, and every
     * later call on the limiter (allow, tokens, setRate...) spun for ever waiting for one.
     */
    @Test
    void aClockThatThrowsDuringAConfigurationChangeLeavesTheLimiterUsable() throws InterruptedException {
        AtomicBoolean failing = new AtomicBoolean();
        RateLimiter l = goflow.tokenBucket().name("clocked").rate(1).burst(3).clock(failingClock(failing)).build();
        assertTrue(l.allow());
        failing.set(true);
        assertThrows(AssertionError.class, () -> l.setRate(2));
        assertThrows(AssertionError.class, () -> l.setBurst(5));
        failing.set(false);
        assertEquals(1.0, l.rate().eventsPerSecond(), 0, "the failed setRate changed nothing");
        assertEquals(3, l.burst(), "the failed setBurst changed nothing");
        Async use = Async.start("user", () -> {
            assertEquals(2.0, l.tokens(), 1e-9, "the failed changes took nothing");
            assertTrue(l.allow());
            assertTrue(l.allow());
            assertFalse(l.allow());
            l.setRate(2);
            clock.advance(Duration.ofMillis(500));
            assertTrue(l.allow());
            assertFalse(l.allow());
        });
        assertNull(use.outcome(), "the limiter works again once its clock does");
    }

    /** A key whose hash the caller changes (or makes throw) while the limiter holds it. */
    static final class MutableKey {
        int value;
        boolean throwing;

        MutableKey(int value) {
            this.value = value;
        }

        @Override
        public int hashCode() {
            if (throwing) {
                throw new IllegalStateException("key broken: hashCode");
            }
            return value;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MutableKey k && k.value == value;
        }
    }

    /**
     * Keys changed after use (a mutable key, against the Map contract) could not be removed from the
     * map when evicted, while the slot table let the next key in: 1000 such keys at maxKeys = 4 left
     * 1000 buckets in the map, memory without bound.
     */
    @Test
    void keysChangedInUseDoNotGrowTheMapPastMaxKeys() {
        KeyedRateLimiter<MutableKey> l = goflow.keyedRateLimiter().name("mutable").rate(1).burst(1).maxKeys(4)
                .build();
        KeyedRateLimiterImpl<MutableKey> impl = (KeyedRateLimiterImpl<MutableKey>) l;
        for (int i = 0; i < 1000; i++) {
            MutableKey k = new MutableKey(i);
            assertTrue(l.allow(k));
            k.value = -1 - i;
            clock.advanceNanos(1);
            assertTrue(impl.keysInMap() <= 4, "map holds " + impl.keysInMap() + " buckets after " + (i + 1) + " keys");
        }
        assertEquals(4, l.size());
        // well-behaved keys still work as before
        assertTrue(l.allow(new MutableKey(5000)));
        assertFalse(l.allow(new MutableKey(5000)));
        assertEquals(impl.keysInMap(), l.size());
    }

    /**
     * A key whose hashCode starts throwing while held: the idle sweep, run during another client's
     * call, asked the map for it and threw that key's exception out of the other client's allow().
     */
    @Test
    void aKeyWhoseHashCodeThrowsDoesNotFailOtherClientsCalls() {
        KeyedRateLimiter<MutableKey> l = goflow.keyedRateLimiter().name("throwing").rate(10).burst(1).maxKeys(4)
                .idleTimeout(Duration.ofSeconds(1)).build();
        MutableKey broken = new MutableKey(1);
        assertTrue(l.allow(broken));
        broken.throwing = true;
        clock.advance(Duration.ofSeconds(2));
        MutableKey other = new MutableKey(2);
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofMillis(300));
            assertTrue(l.allow(other), "another client's call");
        }
        assertEquals(0, l.evictIdle(), "nothing left to sweep");
        assertEquals(1, l.size(), "the broken key's idle bucket was evicted");
        assertEquals(1, l.stats().evictedIdle());
    }
}
