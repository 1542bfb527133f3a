package goflow.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.context.Context;
import goflow.api.ratelimit.KeyedRateLimiterStats;
import goflow.api.testing.ManualClock;

/**
 * Fleet-wide keyed limiters and the local lease on a real redis-server (started by the test on
 * 127.0.0.1): one bucket per key shared by the nodes, keys in the limiter's hash slot that expire
 * once their bucket is full again, local state bounded under a flood of new keys, and the local
 * lease's over-admission bound {@code min(nodes × tokens, rate × maxAge)}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisKeyedRateLimiterTest {
    @RegisterExtension
    final RedisNodes fleet = new RedisNodes(Duration.ofSeconds(2));
    private int test;

    private String name(String what) {
        return what + "-" + (++test);
    }

    private static int admitted(RedisKeyedRateLimiter<String> a, RedisKeyedRateLimiter<String> b, String key, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            n += (i % 2 == 0 ? a : b).allow(key) ? 1 : 0;
        }
        return n;
    }

    @Test
    void eachKeyIsOneBucketForTheWholeFleet() {
        String name = name("per-key");
        RedisKeyedRateLimiter<String> a = fleet.nodeA.keyedRateLimiter().name(name).rate(0.001).burst(3).build();
        RedisKeyedRateLimiter<String> b = fleet.nodeB.keyedRateLimiter().name(name).rate(0.001).burst(3).build();
        assertEquals(3, admitted(a, b, "alice", 10), "alice's burst, once for both nodes");
        assertEquals(3, admitted(a, b, "bob", 10), "bob's bucket is his own");
        String longKey = "k".repeat(300);
        String otherLongKey = "k".repeat(299) + "j";
        assertEquals(3, admitted(a, b, longKey, 10), "a key longer than 200 characters (hashed) works");
        assertEquals(3, admitted(a, b, otherLongKey, 10), "and two long keys that differ stay apart");
        assertTrue(a.tokens("alice") < 1, "tokens " + a.tokens("alice"));
        assertEquals(3.0, a.tokens("carol"), 1e-3, "an unseen key has a full bucket");
        assertFalse(a.allow("dave", 4), "more than the burst at once is never admitted");
        assertTrue(b.allow("dave", 3));
        KeyedRateLimiterStats s = a.stats();
        assertEquals(8, s.allowed(), s.toString());
        assertEquals(0, a.backendStats().fallbacks());
        a.close();
        b.close();
    }

    @Test
    void keysAreInTheLimitersHashSlotAndExpireOnceTheirBucketIsFullAgain() {
        String name = name("expiry");
        RedisKeyedRateLimiter<String> slow = fleet.nodeA.keyedRateLimiter().name(name).rate(0.001).burst(2).build();
        assertTrue(slow.allow("erin"));
        String key = "goflow:rl:{" + name + "}:k:erin";
        assertEquals(1, fleet.raw.exists(key) ? 1 : 0, "the bucket of erin is " + key + " (hash tag: the limiter's name)");
        long ttl = fleet.raw.pttl(key);
        // one token of 2 taken at 0.001/s: full again in 1000 s, and then the key is gone
        assertTrue(ttl > 990_000 && ttl <= 1_000_001, "pttl " + ttl);
        slow.close();

        String fastName = name("fast");
        RedisKeyedRateLimiter<String> fast = fleet.nodeA.keyedRateLimiter().name(fastName).rate(50).burst(1).build();
        assertTrue(fast.allow("frank"));
        String fastKey = "goflow:rl:{" + fastName + "}:k:frank";
        // 1 token at 50/s: full after 20 ms; an idle key costs Redis nothing after that
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(() -> !fleet.raw.exists(fastKey));
        assertTrue(fast.allow("frank"), "a key that expired is a full bucket");
        fast.close();
    }

    @Test
    void keysThatDifferOnlyInALoneSurrogateAreBucketsOfTheirOwn() {
        // UTF-8 cannot write a lone surrogate: Jedis sends '?' for it, and SHA-1 was taken of
        // getBytes(UTF_8), which does the same, so such keys shared one bucket, with each other and
        // with the key that has a real '?' there (a JSON "\ud800" in a client id is enough)
        String name = name("surrogates");
        RedisKeyedRateLimiter<String> l = fleet.nodeA.keyedRateLimiter().name(name).rate(0.001).burst(1).build();
        String longer = "k".repeat(300);
        for (String prefix : List.of("", longer)) {
            List<String> keys = List.of(prefix + "a?", prefix + "a\uD800", prefix + "a\uDC00", prefix + "a\uD800\uD800",
                    prefix + "a\uD800?");
            for (String key : keys) {
                assertTrue(l.allow(key), "the first token of a key of its own: " + key.substring(prefix.length())
                        .chars().mapToObj(c -> String.format("%04x", c)).toList() + " (" + prefix.length() + " more)");
            }
            for (String key : keys) {
                assertFalse(l.allow(key), "and only one");
            }
        }
        assertTrue(l.allow("a\uD83D\uDE00"), "a pair is a character like any other");
        assertTrue(fleet.raw.exists("goflow:rl:{" + name + "}:k:a\uD83D\uDE00"), "and keeps its readable key");
        l.close();
    }

    @Test
    void aRefusedCallTakesNoLocalStateNorEvictsAnotherKeys() {
        // a call refused for its arguments or because the limiter is closed made room for its key's
        // local state first: it evicted another key's (its fallback bucket or lease) at maxKeys, and
        // a closed limiter filled its map again
        String name = name("refused");
        RedisKeyedRateLimiter<String> l = fleet.nodeA.keyedRateLimiter().name(name).rate(1000).burst(10)
                .failurePolicy(FailurePolicy.LOCAL).localShare(0.5).localLease(5, Duration.ofSeconds(30)).maxKeys(1)
                .build();
        assertTrue(l.allow("kept")); // a lease of 5: 4 tokens this node holds for kept
        assertEquals(1, l.size());
        assertThrows(InvalidConfigException.class, () -> l.allow("other", -1));
        assertThrows(InvalidConfigException.class, () -> l.await(Context.background(), "other", -1));
        assertThrows(InvalidConfigException.class, () -> l.await(null, "other"));
        assertEquals(0, l.stats().evicted(), "the state of kept stays: " + l.stats());
        l.close();
        for (int i = 0; i < 100; i++) {
            String key = "late-" + i;
            assertThrows(ClosedException.class, () -> l.allow(key));
            assertThrows(ClosedException.class, () -> l.await(Context.background(), key));
        }
        assertEquals(0, l.size(), "a closed limiter holds no local state");
    }

    @Test
    void aChangeOfRateOrBurstKeepsTheTokensOfEachKey() {
        // each key's TAT, a debt in time, was read at the new rate and burst: lowering 10/s to 0.01/s
        // refilled an empty key at once, raising the burst from 10 to 100 gave an empty key 90 tokens
        String name = name("key-rate-change");
        RedisKeyedRateLimiter<String> a = fleet.nodeA.keyedRateLimiter().name(name).rate(10).burst(100).build();
        RedisKeyedRateLimiter<String> b = fleet.nodeB.keyedRateLimiter().name(name).rate(10).burst(100).build();
        assertTrue(a.allow("kim", 100));
        assertTrue(a.allow("lou", 50));
        assertTrue(a.allow("ned", 100));
        a.setRate(0.01);
        assertFalse(b.allow("kim"), "kim's empty bucket stays empty at the lower rate (tokens " + b.tokens("kim")
                + ")");
        assertTrue(b.tokens("kim") < 1, "tokens " + b.tokens("kim"));
        assertTrue(b.allow("lou", 50), "lou keeps the 50 tokens he had (tokens " + b.tokens("lou") + ")");
        assertFalse(b.allow("lou", 2), "and has no more (tokens " + b.tokens("lou") + ")");
        assertEquals(100.0, b.tokens("max"), 1e-3, "a key not seen is a full bucket");
        long changed = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - changed > 300_000_000L);
        assertTrue(b.tokens("ned") < 1, "ned's first decision 0.3 s after the change: refilled since at 0.01/s, "
                + "not at 10/s (tokens " + b.tokens("ned") + ")");

        String burstName = name("key-burst-change");
        RedisKeyedRateLimiter<String> c = fleet.nodeA.keyedRateLimiter().name(burstName).rate(0.001).burst(10).build();
        RedisKeyedRateLimiter<String> d = fleet.nodeB.keyedRateLimiter().name(burstName).rate(0.001).burst(10).build();
        assertTrue(c.allow("kim", 10));
        assertTrue(c.allow("lou", 5));
        c.setBurst(100);
        assertFalse(d.allow("kim"), "an empty key stays empty when the burst is raised (tokens " + d.tokens("kim")
                + ")");
        assertTrue(d.allow("lou", 5), "lou keeps his 5 tokens");
        assertFalse(d.allow("lou"), "and has no more (tokens " + d.tokens("lou") + ")");
        d.setBurst(2);
        assertFalse(c.allow("kim"), "still empty after the burst is lowered");
        assertEquals(2.0, c.tokens("max"), 1e-3, "a key not seen is a full bucket of the new burst");
        for (RedisKeyedRateLimiter<String> l : List.of(a, b, c, d)) {
            assertEquals(0, l.backendStats().failures(), l.backendStats().toString());
            l.close();
        }
    }

    @Test
    void aKeyWrittenAsAPlainNumberIsReadAtTheCurrentRateAndANewOneByAPlainNumberReader() {
        // a rolling upgrade: a key written by an earlier version holds its TAT alone; one written now
        // must still read as that TAT to a node of the earlier version (Lua's tonumber)
        String name = name("key-format");
        RedisKeyedRateLimiter<String> l = fleet.nodeA.keyedRateLimiter().name(name).rate(1).burst(100).build();
        String key = "goflow:rl:{" + name + "}:k:old";
        // as the earlier version wrote it: 60 tokens taken at 1/s, the TAT 60 s ahead of Redis's time
        fleet.raw.eval("local t = redis.call('TIME') redis.call('SET', KEYS[1], string.format('%.3f', "
                + "(tonumber(t[1]) - 1735689600) * 1000000 + tonumber(t[2]) + 60000000))", 1, key);
        assertTrue(l.allow("old", 40), "40 tokens left (tokens " + l.tokens("old") + ")");
        assertFalse(l.allow("old", 2), "and no more (tokens " + l.tokens("old") + ")");
        assertTrue(l.allow("new", 30));
        String newKey = "goflow:rl:{" + name + "}:k:new";
        // what the earlier version's script does with it: tonumber, less Redis's time (µs since 2025)
        Object ahead = fleet.raw.eval("local t = redis.call('TIME') return string.format('%.0f', "
                + "tonumber(redis.call('GET', KEYS[1])) - ((tonumber(t[1]) - 1735689600) * 1000000 + tonumber(t[2])))",
                1, newKey);
        double micros = Double.parseDouble(String.valueOf(ahead));
        assertTrue(micros > 29_000_000 && micros <= 30_000_000, "30 tokens taken at 1/s: the TAT of "
                + fleet.raw.get(newKey) + " is 30 s ahead to a plain-number reader, not " + micros + " µs");
        assertEquals(0, l.backendStats().failures(), l.backendStats().toString());
        l.close();
    }

    @Test
    void awaitWaitsWhatRedisSaysThenTakesTheToken() throws Exception {
        String name = name("await");
        RedisKeyedRateLimiter<String> a = fleet.nodeA.keyedRateLimiter().name(name).rate(20).burst(1).build();
        RedisKeyedRateLimiter<String> b = fleet.nodeB.keyedRateLimiter().name(name).rate(20).burst(1).build();
        assertTrue(a.allow("gina"));
        assertFalse(b.allow("gina"));
        b.await(Context.background(), "gina"); // ~50 ms: Redis says when the next token is there
        assertFalse(a.allow("gina"), "await took the token it waited for");
        assertEquals(1, b.stats().waited(), b.stats().toString());
        a.close();
        b.close();
    }

    @Test
    void aLeaseLargerThanTheBurstTakesWhatTheBucketHas() {
        String name = name("big-lease");
        RedisKeyedRateLimiter<String> l = fleet.nodeA.keyedRateLimiter().name(name).rate(0.001).burst(5)
                .localLease(50, Duration.ofSeconds(10)).build();
        int admitted = 0;
        for (int i = 0; i < 20; i++) {
            admitted += l.allow("ivan") ? 1 : 0;
        }
        assertEquals(5, admitted, "the whole burst, through one lease of the 5 tokens Redis had");
        // the build's, the lease of 5, the refill Redis refused (it said when a token comes: 1000 s);
        // the 15 refusals after it are decided locally
        assertEquals(3, l.backendStats().roundTrips(), l.backendStats().toString());
        l.close();
    }

    @Test
    void aFloodOfNewKeysKeepsTheLocalStateWithinMaxKeys() {
        String name = name("flood");
        // LOCAL keeps a local fallback bucket per key: the one case where keys need local state
        RedisKeyedRateLimiter<String> l = fleet.nodeA.keyedRateLimiter().name(name).rate(1000).burst(10)
                .failurePolicy(FailurePolicy.LOCAL).localShare(0.5).maxKeys(100).build();
        for (int i = 0; i < 5_000; i++) {
            assertTrue(l.allow("client-" + i), "every new key has its burst");
            assertTrue(l.size() <= 100, "local keys " + l.size() + " after " + (i + 1) + " new keys");
        }
        KeyedRateLimiterStats s = l.stats();
        assertEquals(100, s.maxKeys());
        assertTrue(s.evicted() >= 4_900, s.toString());
        assertEquals(0, l.backendStats().fallbacks(), "Redis decided every one of them");
        l.close();
    }

    @Test
    void aFloodOfNewKeysWhileRedisIsDownCostsEachKeyAboutTheSameNotAScanOfEveryKeyHeld() throws Exception {
        RedisConnection nowhere;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nowhere = RedisConnection.builder().name("nowhere").uri("redis://127.0.0.1:" + s.getLocalPort())
                    .timeout(Duration.ofMillis(200)).build();
        }
        // Redis down, LOCAL: every key has a local fallback bucket, none of them full (the clock
        // stands still), so none is idle: making room for a new key must not scan them all
        int maxKeys = 50_000;
        int keys = 200_000;
        RedisKeyedRateLimiter<String> l = nowhere.keyedRateLimiter().name(name("outage-flood")).rate(1000).burst(10)
                .failurePolicy(FailurePolicy.LOCAL).localShare(0.5).maxKeys(maxKeys).clock(new ManualClock()).build();
        try {
            // about 2 s at most on a busy machine; a scan of the 50 000 keys held per new key takes minutes
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                for (int i = 0; i < keys; i++) {
                    assertTrue(l.allow("client-" + i), "every new key has its local burst");
                }
            });
            KeyedRateLimiterStats s = l.stats();
            assertTrue(l.size() <= maxKeys, s.toString());
            assertEquals(keys - l.size(), s.evicted(), s.toString());
            assertTrue(l.backendStats().fallbacks() >= keys, l.backendStats().toString());
        } finally {
            l.close();
            nowhere.close();
        }
    }

    @Test
    void theLocalLeaseSavesRoundTripsAndOverAdmitsNoMoreThanItsStatedBound() throws Exception {
        String name = name("hot");
        double rate = 200;
        // half a second of the rate and of lease age: a stall of a loaded machine shorter than that
        // loses no tokens, so the lower bound measures the lease, not the scheduler
        int burst = 100;
        int leaseTokens = 10;
        Duration maxAge = Duration.ofMillis(500);
        int nodes = 2;
        int threadsPerNode = 2;
        List<RedisKeyedRateLimiter<String>> limiters = List.of(
                fleet.nodeA.keyedRateLimiter().name(name).rate(rate).burst(burst).localLease(leaseTokens, maxAge).build(),
                fleet.nodeB.keyedRateLimiter().name(name).rate(rate).burst(burst).localLease(leaseTokens, maxAge).build());
        AtomicLong admitted = new AtomicLong();
        AtomicLong decisions = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        long runNanos = Duration.ofSeconds(2).toNanos();
        List<Thread> callers = new ArrayList<>();
        long[] window = new long[2];
        for (int n = 0; n < nodes; n++) {
            for (int t = 0; t < threadsPerNode; t++) {
                RedisKeyedRateLimiter<String> l = limiters.get(n);
                Thread th = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    long end = window[0] + runNanos;
                    while (System.nanoTime() - end < 0) {
                        decisions.incrementAndGet();
                        if (l.allow("hot-key")) {
                            admitted.incrementAndGet();
                        }
                    }
                }, "test-lease-caller-" + n + "-" + t);
                callers.add(th);
                th.start();
            }
        }
        window[0] = System.nanoTime();
        go.countDown();
        for (Thread th : callers) {
            th.join(60_000);
        }
        double elapsed = (System.nanoTime() - window[0]) / 1e9;
        double exact = burst + rate * elapsed;
        double overAdmission = Math.min(nodes * leaseTokens, rate * maxAge.toNanos() / 1e9);
        long got = admitted.get();
        assertTrue(got <= exact + overAdmission,
                "admitted " + got + " > burst + rate x " + elapsed + " s = " + exact + " + the lease's bound "
                        + overAdmission);
        // tokens a node leased and could not use within maxAge are lost to the others: some, not most
        assertTrue(got >= 0.8 * exact, "admitted " + got + " of " + exact + " " + limiters.get(0).backendStats());
        long hits = limiters.stream().mapToLong(l -> l.backendStats().localLeaseHits()).sum();
        long trips = limiters.stream().mapToLong(l -> l.backendStats().roundTrips()).sum();
        assertTrue(hits > 0, "decisions served by the lease: " + hits);
        assertTrue(trips < decisions.get() / 2, trips + " round trips for " + decisions.get() + " decisions");
        limiters.forEach(RedisKeyedRateLimiter::close);
    }
}
