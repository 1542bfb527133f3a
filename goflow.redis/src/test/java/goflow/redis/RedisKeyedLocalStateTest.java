package goflow.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.context.Context;
import goflow.api.ratelimit.BurstExceededException;
import goflow.api.ratelimit.KeyedRateLimiterStats;
import goflow.api.testing.ManualClock;

/**
 * The keyed limiter's local state (local leases and LOCAL fallback buckets) on a real
 * redis-server: bounded by maxKeys when new keys arrive at once, never left in a closed limiter,
 * and neither created nor making room for a request that can never be admitted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisKeyedLocalStateTest {
    @RegisterExtension
    final RedisNodes fleet = new RedisNodes(Duration.ofSeconds(2));
    private int test;

    private String name(String what) {
        return what + "-" + (++test);
    }

    /**
     * A manual clock that holds the first reading of each thread in {@link #gated} until
     * {@link #hold} says so (a barrier, a latch), to stop threads at a known point of a call.
     */
    private static final class GateClock implements Clock {
        final ManualClock time = new ManualClock();
        final Set<Thread> gated = ConcurrentHashMap.newKeySet();
        volatile Runnable hold = () -> { };

        @Override
        public long nanoTime() {
            if (gated.remove(Thread.currentThread())) {
                hold.run();
            }
            return time.nanoTime();
        }

        @Override
        public java.time.Instant instant() {
            return time.instant();
        }
    }

    @Test
    void newKeysArrivingAtOnceStayWithinMaxKeys() throws Exception {
        // state(name) checked size >= maxKeys, then inserted with computeIfAbsent outside any lock:
        // every thread that passed the check before the others inserted added a key
        int threads = 6;
        int maxKeys = 2;
        GateClock clock = new GateClock();
        RedisKeyedRateLimiter<String> l = fleet.nodeA.keyedRateLimiter().name(name("at-once")).rate(1000).burst(10)
                .localLease(5, Duration.ofSeconds(30)).maxKeys(maxKeys).clock(clock).build();
        // each thread's first reading of the clock is its new key's lease being made: hold them all
        // there until every one arrived (or 2 s, when they cannot all arrive: insertion is serialised)
        CyclicBarrier together = new CyclicBarrier(threads);
        clock.hold = () -> {
            try {
                together.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (BrokenBarrierException | TimeoutException e) {
                // not all of them could get there: go on
            }
        };
        List<Thread> started = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < threads; i++) {
            String key = "client-" + i;
            Thread t = new Thread(() -> {
                try {
                    assertTrue(l.allow(key), "a new key has its burst: " + key);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "new-key-" + i);
            clock.gated.add(t);
            started.add(t);
        }
        started.forEach(Thread::start);
        for (Thread t : started) {
            t.join(30_000);
            assertFalse(t.isAlive(), t.getName() + " still runs");
        }
        assertEquals(List.of(), failures);
        KeyedRateLimiterStats s = l.stats();
        assertTrue(l.size() <= maxKeys, "local keys " + l.size() + " of at most " + maxKeys + ": " + s);
        assertTrue(s.keys() <= maxKeys, s.toString());
        assertEquals(threads - l.size(), s.evicted(), s.toString());
        l.close();
    }

    @Test
    void aNewKeyRacingCloseLeavesNoStateInTheClosedLimiter() throws Exception {
        // a call that passed the closed check, then made room (the clock read) while close() cleared
        // the map, put its key's state into the closed limiter's map after the clear
        GateClock clock = new GateClock();
        RedisKeyedRateLimiter<String> l = fleet.nodeA.keyedRateLimiter().name(name("close-race")).rate(1000).burst(10)
                .localLease(5, Duration.ofSeconds(30)).maxKeys(1).clock(clock).build();
        assertTrue(l.allow("kept"));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        clock.hold = () -> {
            entered.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread late = new Thread(() -> {
            try {
                outcome.set(l.allow("late"));
            } catch (Throwable e) {
                outcome.set(e);
            }
        }, "late-key");
        clock.gated.add(late);
        late.start();
        assertTrue(entered.await(30, TimeUnit.SECONDS), "the new key makes room (it reads the clock)");
        l.close();
        release.countDown();
        late.join(30_000);
        assertFalse(late.isAlive());
        assertInstanceOf(ClosedException.class, outcome.get(), String.valueOf(outcome.get()));
        assertEquals(0, l.size(), "a closed limiter holds no local state: " + l.stats());
    }

    @Test
    void aRequestAboveTheBurstTakesNoLocalStateNorEvictsAnotherKeys() throws Exception {
        // n > burst at a limited rate is never admitted, yet state(n) made room for the key first:
        // at maxKeys it evicted another key's state (its lease's tokens, its fallback bucket)
        RedisKeyedRateLimiter<String> l = fleet.nodeA.keyedRateLimiter().name(name("above-burst")).rate(1000)
                .burst(10).failurePolicy(FailurePolicy.LOCAL).localShare(0.5).localLease(5, Duration.ofSeconds(30))
                .maxKeys(1).build();
        assertTrue(l.allow("kept")); // a lease of 5: 4 tokens this node holds for kept
        assertFalse(l.allow("other", 11));
        assertThrows(BurstExceededException.class, () -> l.await(Context.background(), "other", 11));
        KeyedRateLimiterStats s = l.stats();
        assertEquals(0, s.evicted(), "the state of kept stays: " + s);
        assertEquals(1, l.size(), s.toString());
        assertEquals(2, s.denied(), s.toString());
        long trips = l.backendStats().roundTrips();
        assertTrue(l.allow("kept"), "kept's lease still holds its tokens");
        assertEquals(trips, l.backendStats().roundTrips(), "taken from the lease: " + l.backendStats());
        l.close();
    }

    @Test
    void aRequestThatUsesNoLocalStateTakesNoneNorEvictsAnotherKeys() throws Exception {
        // zero tokens are admitted without a bucket, and without LOCAL only a single token uses the
        // lease: such calls made room for a state they never used, evicting another key's lease
        RedisKeyedRateLimiter<String> l = fleet.nodeA.keyedRateLimiter().name(name("stateless")).rate(1000)
                .burst(10).localLease(5, Duration.ofSeconds(30)).maxKeys(1).build();
        assertTrue(l.allow("kept")); // a lease of 5: 4 tokens this node holds for kept
        assertTrue(l.allow("other", 0));
        l.await(Context.background(), "other", 0);
        assertTrue(l.allow("other", 2), "two tokens, taken in Redis");
        l.await(Context.background(), "other", 2);
        KeyedRateLimiterStats s = l.stats();
        assertEquals(0, s.evicted(), "the state of kept stays: " + s);
        assertEquals(1, l.size(), s.toString());
        long trips = l.backendStats().roundTrips();
        assertTrue(l.allow("kept"), "kept's lease still holds its tokens");
        assertEquals(trips, l.backendStats().roundTrips(), "taken from the lease: " + l.backendStats());
        l.close();
    }

    @Test
    void theTokensOfAKeyWithoutLocalStateAreNotAnotherKeysWhileRedisIsAway() throws Exception {
        // when Redis could not answer, tokens(key) of a key with no fallback bucket gave the limiter's
        // last reply: the tokens of whichever key Redis last decided (0 after another key's burst)
        try (FaultyProxy proxy = new FaultyProxy(java.net.InetAddress.getLoopbackAddress(), fleet.server.port());
                RedisConnection conn = RedisConnection.builder().name("away").uri("redis://127.0.0.1:" + proxy.port())
                        .timeout(Duration.ofMillis(500)).build()) {
            RedisKeyedRateLimiter<String> closed = conn.keyedRateLimiter().name(name("away-closed")).rate(0.001)
                    .burst(10).build();
            RedisKeyedRateLimiter<String> local = conn.keyedRateLimiter().name(name("away-local")).rate(0.001)
                    .burst(10).failurePolicy(FailurePolicy.LOCAL).localShare(0.5).build();
            assertTrue(closed.allow("drained", 10));
            assertTrue(local.allow("drained", 10));
            assertEquals(0, closed.tokens("drained"), 1e-3);
            proxy.close();
            assertFalse(closed.allow("drained"), "Redis is away: FAIL_CLOSED refuses");
            assertEquals(10, closed.tokens("unseen"), 1e-6, "a key with no bucket known has the burst");
            assertEquals(5, local.tokens("unseen"), 1e-6, "a key whose fallback bucket would start full: 10 x 0.5");
            assertTrue(local.allow("unseen", 5), "which it does");
            assertEquals(0, local.tokens("unseen"), 1e-3);
            closed.close();
            local.close();
        }
    }

    @Test
    void aRequestAboveAStaleBurstIsDecidedByTheFleetsBurst() {
        // node b raised the burst; node a has not heard of it yet: a's request above the burst it
        // last saw is still Redis's to decide, which knows the fleet's
        String name = name("stale-burst");
        RedisKeyedRateLimiter<String> a = fleet.nodeA.keyedRateLimiter().name(name).rate(0.001).burst(10)
                .localLease(5, Duration.ofSeconds(30)).maxKeys(1).build();
        RedisKeyedRateLimiter<String> b = fleet.nodeB.keyedRateLimiter().name(name).rate(0.001).burst(10).build();
        b.setBurst(50);
        assertEquals(10, a.burst(), "a has not seen the change yet");
        assertTrue(a.allow("big", 20), "20 of the fleet's burst of 50");
        assertEquals(50, a.burst());
        a.close();
        b.close();
    }
}
