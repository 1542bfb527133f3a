package goflow.impl.ratelimit;

import static goflow.impl.ratelimit.TokenBucketTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.ClosedException;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.ratelimit.BurstExceededException;
import goflow.api.ratelimit.KeyedRateLimiter;
import goflow.api.ratelimit.KeyedRateLimiterStats;
import goflow.api.ratelimit.Rate;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;
import goflow.impl.testing.Stress;

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

    /**
     * A request larger than the burst can never be admitted: it is refused (allow) or fails
     * (await) without creating its key's bucket, so it cannot evict the bucket of a key in use.
     */
    @Test
    void aRequestLargerThanTheBurstCreatesNoBucketAndEvictsNone() throws Exception {
        KeyedRateLimiter<String> l = goflow.keyedRateLimiter().rate(1).burst(2).maxKeys(1).build();
        assertTrue(l.allow("client", 2)); // its bucket is empty now
        assertFalse(l.allow("other", 3));
        assertThrows(BurstExceededException.class, () -> l.await(background, "third", 3));
        assertEquals(1, l.size());
        assertEquals(0, l.stats().evictedFull());
        assertFalse(l.allow("client"), "the drained bucket was kept, not replaced by a full one");
        assertEquals(1, l.stats().allowed());
        assertEquals(3, l.stats().denied());
        KeyedRateLimiter<String> unlimited = goflow.keyedRateLimiter().name("unlimited").rate(Rate.UNLIMITED)
                .burst(2).build();
        assertTrue(unlimited.allow("any", 3), "an unlimited rate admits everything, as a single bucket does");
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

    /**
     * A tiny idleTimeout makes a sweep due at almost every call; with many keys that are not
     * evictable (drained), each sweep examined every key: O(keys) work per call. The work is counted
     * (buckets examined by sweeps), not timed.
     */
    @Test
    void aTinyIdleTimeoutDoesNotMakeEveryCallSweepEveryKey() {
        KeyedRateLimiter<Integer> l = goflow.keyedRateLimiter().rate(1).burst(1).maxKeys(10_000)
                .idleTimeout(Duration.ofNanos(4)).build(); // a sweep may run every nanosecond
        KeyedRateLimiterImpl<Integer> impl = (KeyedRateLimiterImpl<Integer>) l;
        int keys = 2_000;
        for (int i = 0; i < keys; i++) {
            assertTrue(l.allow(i)); // drained: not evictable until it refills (1 s)
        }
        int calls = 20_000;
        for (int i = 0; i < calls; i++) {
            clock.advance(Duration.ofNanos(1));
            assertFalse(l.allow(i % keys));
        }
        assertEquals(keys, l.size());
        long work = impl.sweepProbes();
        assertTrue(work <= 16L * (keys + calls), "buckets examined by sweeps: " + work + " for " + (keys + calls)
                + " calls (at most 16 per call, amortised)");
        // the idle keys are still evicted once they are full again, by ordinary calls
        clock.advance(Duration.ofSeconds(2));
        for (int i = 0; i < keys / 16 + 1; i++) {
            clock.advance(Duration.ofNanos(1));
            l.allow(-1);
        }
        assertEquals(1, l.size(), "every idle full key swept");
        assertEquals(keys, l.stats().evictedIdle());
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
    @Stress
    void aFloodOfNewKeysCostsTheSameSampleForEveryEvictionHoweverManyCameBefore() {
        KeyedRateLimiter<Integer> l = goflow.keyedRateLimiter().rate(1).burst(1).maxKeys(1_000)
                .idleTimeout(Duration.ofHours(1)).build();
        KeyedRateLimiterImpl<Integer> impl = (KeyedRateLimiterImpl<Integer>) l;
        for (int i = 0; i < 1_000; i++) {
            l.allow(i);
        }
        assertEquals(0, impl.evictionProbes(), "no eviction while filling");
        long before = 0;
        for (int round = 1; round <= 30; round++) {
            for (int i = 0; i < 10_000; i++) {
                clock.advance(Duration.ofNanos(1));
                l.allow(round * 1_000_000 + i);
            }
            long probes = impl.evictionProbes();
            assertEquals(10_000L * 16, probes - before, "round " + round + ": work per eviction does not grow");
            before = probes;
        }
        assertEquals(1_000, l.size());
        assertEquals(300_000, l.stats().evictedFull());
    }

    @Test
    void keysInUseSurviveAFloodOfNewKeys() {
        KeyedRateLimiter<String> l = goflow.keyedRateLimiter().rate(1_000).burst(1_000).maxKeys(100)
                .idleTimeout(Duration.ofHours(1)).build();
        for (int round = 0; round < 10_000; round++) {
            for (int hot = 0; hot < 10; hot++) {
                clock.advance(Duration.ofNanos(1));
                l.allow("hot-" + hot);
            }
            clock.advance(Duration.ofNanos(1));
            l.allow("flood-" + round);
        }
        for (int hot = 0; hot < 10; hot++) {
            // a hot key that had been evicted would have come back with a full bucket
            assertTrue(l.tokens("hot-" + hot) < 1_000, "hot-" + hot + " was evicted");
        }
        assertEquals(100, l.size());
    }

    @Test
    @Stress
    void threadsFloodingNewKeysNeverExceedTheBound() throws InterruptedException {
        KeyedRateLimiter<Long> l = goflow.keyedRateLimiter().rate(1).burst(1).maxKeys(64)
                .idleTimeout(Duration.ofNanos(1)).build();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        for (int t = 0; t < 4; t++) {
            long offset = t * 1_000_000_000L;
            Thread th = new Thread(() -> {
                try {
                    for (long i = 0; i < 50_000; i++) {
                        l.allow(offset + i % 5_000);
                        if (l.size() > 64) {
                            throw new AssertionError("size " + l.size());
                        }
                        if (i % 1_000 == 0) {
                            clock.advance(Duration.ofNanos(1)); // idle sweeps run too
                        }
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            }, "flood-" + t);
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
        assertTrue(l.size() <= 64 && l.size() > 0, "size " + l.size());
        KeyedRateLimiterStats s = l.stats();
        assertEquals(s.evicted(), s.evictedIdle() + s.evictedFull());
    }

    /**
     * The bound under the race it is most exposed to: eight threads released together by a barrier,
     * each bringing keys no one has seen, into a limiter that fills up and then evicts on every new
     * key. A watcher thread samples the keys held (as the limiter counts them and as its map holds
     * them) while they run; a check of the bound outside the structural lock would let each thread
     * that passed the check insert, holding up to maxKeys + 7. Round after round on fresh limiters,
     * so both the filling and the full limiter are raced.
     */
    @Test
    @Stress
    void eightThreadsFloodingNewKeysTogetherNeverHoldMoreThanMaxKeys() throws Exception {
        int threads = 8;
        int maxKeys = 16;
        int keysPerThread = 400;
        long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        int rounds = 0;
        for (; rounds < 150 && System.nanoTime() - deadline < 0; rounds++) {
            KeyedRateLimiterImpl<Long> l = (KeyedRateLimiterImpl<Long>) goflow.keyedRateLimiter().rate(1).burst(1)
                    .maxKeys(maxKeys).idleTimeout(Duration.ofHours(1)).<Long>build();
            CyclicBarrier start = new CyclicBarrier(threads + 1);
            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicInteger mostHeld = new AtomicInteger();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            long base = rounds * 1_000_000L;
            List<Thread> all = new ArrayList<>();
            all.add(new Thread(() -> {
                try {
                    start.await();
                    while (flooding.get()) {
                        mostHeld.accumulateAndGet(Math.max(l.size(), l.keysInMap()), Math::max);
                    }
                } catch (Throwable e) {
                    failed.compareAndSet(null, e);
                }
            }, "watcher"));
            for (int t = 0; t < threads; t++) {
                long first = base + t * 10_000L;
                all.add(new Thread(() -> {
                    try {
                        start.await();
                        for (long k = first; k < first + keysPerThread; k++) {
                            assertTrue(l.allow(k), "a new key has a full bucket");
                            mostHeld.accumulateAndGet(l.size(), Math::max);
                        }
                    } catch (Throwable e) {
                        failed.compareAndSet(null, e);
                    }
                }, "flood-" + t));
            }
            all.forEach(Thread::start);
            for (Thread th : all.subList(1, all.size())) {
                th.join();
            }
            flooding.set(false);
            all.get(0).join();
            if (failed.get() != null) {
                throw new AssertionError("round " + rounds, failed.get());
            }
            int held = Math.max(mostHeld.get(), Math.max(l.size(), l.keysInMap()));
            assertTrue(held <= maxKeys, "round " + rounds + ": " + held + " keys held, maxKeys " + maxKeys);
            assertEquals(maxKeys, l.size());
            assertEquals(maxKeys, l.keysInMap());
            assertEquals(threads * keysPerThread - maxKeys, l.stats().evictedFull());
            l.close();
        }
        assertTrue(rounds >= 20, "only " + rounds + " rounds in 8 s");
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
        assertMessage("keyed-rate-limiter: invalid rate=-1.0 (must not be negative) - " + LimiterChecks.RATE_HINT,
                () -> goflow.keyedRateLimiter().rate(-1));
        assertMessage("keyed-rate-limiter: invalid burst=0 (must be positive) - " + TokenBucketImpl.BURST_HINT,
                () -> goflow.keyedRateLimiter().burst(0));
        KeyedRateLimiter<String> l = goflow.keyedRateLimiter().name("k").rate(1).build();
        assertMessage("keyed-rate-limiter 'k': invalid key=null (must not be null) - use a non-null client key",
                () -> l.allow(null));
        assertMessage("keyed-rate-limiter 'k': invalid n=-2 (must not be negative) - ask for zero or more tokens",
                () -> l.allow("a", -2));
    }

    /**
     * The eviction order the javadoc states: between two sweeps a new key in a full limiter evicts
     * the least recently used of a sample, idle or not (here: a drained key, while one idle full
     * key is held); evictIdle() called first removes the idle key, and the new key then fits
     * without resetting anyone's bucket.
     */
    @Test
    void aNewKeyEvictsASampledLeastRecentlyUsedKeyUnlessEvictIdleRemovedTheIdleOneFirst() {
        for (boolean evictIdleFirst : new boolean[] {false, true}) {
            KeyedRateLimiter<String> l = goflow.keyedRateLimiter().name("order-" + evictIdleFirst).rate(1).burst(10)
                    .maxKeys(100).idleTimeout(Duration.ofSeconds(1)).build(); // sweeps at most every 250 ms
            for (int i = 0; i < 98; i++) {
                assertTrue(l.allow("drained-" + i, 10));
            }
            clock.advance(Duration.ofMillis(500));
            assertTrue(l.allow("idle", 1)); // full again 1 s later
            clock.advance(Duration.ofMillis(800));
            assertTrue(l.allow("other", 1)); // a sweep: "idle" not idle yet; the next one not before 250 ms
            assertEquals(100, l.size());
            clock.advance(Duration.ofMillis(220)); // "idle" unused for 1.02 s and full: evictable
            if (evictIdleFirst) {
                assertEquals(1, l.evictIdle());
            }
            assertTrue(l.allow("new", 1));
            int reset = 0;
            for (int i = 0; i < 98; i++) {
                if (l.tokens("drained-" + i) == 10.0) {
                    reset++; // evicted: a key without a bucket has a full one
                }
            }
            KeyedRateLimiterStats stats = l.stats();
            if (evictIdleFirst) {
                assertEquals(0, reset);
                assertEquals(1, stats.evictedIdle());
                assertEquals(0, stats.evictedFull());
            } else {
                // the idle key is seen last but one, so the sample's oldest is a drained key
                assertEquals(1, reset);
                assertEquals(0, stats.evictedIdle());
                assertEquals(1, stats.evictedFull());
            }
            l.close();
        }
    }
}
