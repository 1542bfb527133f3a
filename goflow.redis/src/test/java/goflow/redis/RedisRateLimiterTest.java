package goflow.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import goflow.api.testing.ManualClock;
import goflow.redis.streams.RedisServer;

/**
 * Fleet-wide token buckets on a real redis-server (started by the test on 127.0.0.1, killed and
 * restarted by PID): one limit shared by nodes, Redis's time rather than the nodes', and each
 * failure policy while Redis is dead, then recovery without restarting anything.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisRateLimiterTest {
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
                .timeout(Duration.ofMillis(200)).reconnectInterval(Duration.ofMillis(50)).build();
    }

    @AfterAll
    void stopRedis() throws Exception {
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private String name(String what) {
        return what + "-" + (++test);
    }

    @Test
    void aBucketKeyOfTheWrongTypeIsSaidAtWarningNamingTheKeyOncePerMinute() {
        // Redis is up, so it is not marked down, but every call on that key fails over to the policy
        // (FAIL_OPEN: no limit at all); that went unlogged, the error naming no key
        String name = name("wrongtype");
        RedisRateLimiter l = nodeA.rateLimiter().name(name).rate(0.001).burst(1)
                .failurePolicy(FailurePolicy.FAIL_OPEN).build();
        assertTrue(l.allow());
        assertFalse(l.allow());
        String key = "goflow:rl:{" + name + "}";
        try (redis.clients.jedis.RedisClient raw = server.client()) {
            assertEquals(1, raw.del(key), "the bucket's key is " + key);
            raw.hset(key, "written", "by something else");
        }
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("goflow.redis.internal.ConnectionImpl");
        java.util.List<java.util.logging.LogRecord> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel() == java.util.logging.Level.WARNING) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        try {
            assertTrue(l.allow(), "FAIL_OPEN admits while the key cannot be read");
            assertTrue(l.allow());
            assertEquals(1, warnings.size(), "once a minute: " + warnings);
            String m = warnings.get(0).getMessage();
            assertTrue(m.contains(key) && m.contains("WRONGTYPE") && m.contains("failure policy"), m);
            assertTrue(l.backendStats().lastError().contains(key), l.backendStats().lastError());
        } finally {
            jul.removeHandler(capture);
            try (redis.clients.jedis.RedisClient raw = server.client()) {
                raw.del(key);
            }
            l.close();
        }
    }

    @Test
    void aHandEditedConfigurationThatIsNotNumbersFailsOverToThePolicyNamingTheKey() {
        // Someone set the fleet's burst to "ten" by hand: the script failed on arithmetic with nil,
        // an error naming neither the value nor what to do.
        String name = name("handedited");
        String conf = "goflow:rl:{" + name + "}:conf";
        try (RedisConnection own = connection("hand-edited");
                redis.clients.jedis.RedisClient raw = server.client()) {
            RedisRateLimiter l = own.rateLimiter().name(name).rate(10).burst(5)
                    .failurePolicy(FailurePolicy.FAIL_CLOSED).build();
            assertTrue(l.allow());
            raw.hset(conf, "burst", "ten");
            assertFalse(l.allow(), "FAIL_CLOSED refuses while the configuration cannot be read");
            String error = l.backendStats().lastError();
            assertTrue(error.contains(conf) && error.contains("ten"), error);
            raw.hset(conf, "rate", "-3");
            raw.hset(conf, "burst", "5");
            assertFalse(l.allow(), "a negative rate is not a configuration either");
            assertTrue(l.backendStats().lastError().contains("-3"), l.backendStats().lastError());
            raw.hset(conf, "rate", "10");
            assertTrue(l.allow(), "and once the hash holds numbers again, the limit is back");
            l.close();
        }
    }

    @Test
    void twoNodesShareOneBurst() {
        String name = name("shared");
        RedisRateLimiter a = nodeA.rateLimiter().name(name).rate(0.001).burst(10).build();
        RedisRateLimiter b = nodeB.rateLimiter().name(name).rate(0.001).burst(10).build();
        int admitted = 0;
        for (int i = 0; i < 20; i++) {
            admitted += (i % 2 == 0 ? a : b).allow() ? 1 : 0;
        }
        assertEquals(10, admitted, "the fleet admits the burst once, not once per node");
        assertFalse(a.allow());
        assertTrue(a.tokens() < 1, "tokens " + a.tokens());
        assertEquals(0, a.backendStats().fallbacks());
        a.close();
        b.close();
    }

    @Test
    void aChangeOfRateOrBurstOnOneNodeIsTheFleets() {
        String name = name("changed");
        RedisRateLimiter a = nodeA.rateLimiter().name(name).rate(0.001).burst(2).build();
        RedisRateLimiter b = nodeB.rateLimiter().name(name).rate(0.001).burst(2).build();
        a.setBurst(5);
        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            admitted += b.allow() ? 1 : 0;
        }
        assertEquals(5, admitted, "node b decides with the burst node a set, at once");
        assertEquals(5, b.burst(), "and reads it from its decisions");
        a.close();
        b.close();
    }

    @Test
    void aChangeOfRateKeepsTheTokensTheBucketHas() {
        // as the local token bucket's setRate (Go's SetLimit: tokens are kept): the GCRA's debt in
        // time was read at the new rate, so lowering 100/s to 1/s refilled an empty bucket to 99 tokens
        // at once, and raising 1/s to 1000/s left one empty for the old rate's 100 s
        String name = name("rate-change");
        RedisRateLimiter a = nodeA.rateLimiter().name(name).rate(100).burst(100).build();
        RedisRateLimiter b = nodeB.rateLimiter().name(name).rate(100).burst(100).build();
        assertTrue(a.allow(100));
        a.setRate(1);
        assertFalse(b.allow(), "an empty bucket stays empty when the rate is lowered (tokens " + b.tokens() + ")");
        assertTrue(b.tokens() < 1, "tokens " + b.tokens());

        String name2 = name("rate-raised");
        RedisRateLimiter c = nodeA.rateLimiter().name(name2).rate(1).burst(100).build();
        assertTrue(c.allow(100));
        c.setRate(1_000_000);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> c.allow(50));
        assertTrue(c.tokens() <= 100, "tokens " + c.tokens());
        a.close();
        b.close();
        c.close();
    }

    @Test
    void aNodeWhoseClockIs30SecondsOffAdmitsTheSame() {
        String name = name("skewed");
        ManualClock offBy30s = new ManualClock(Instant.now().plusSeconds(30));
        RedisRateLimiter skewed = nodeA.rateLimiter().name(name).rate(0.001).burst(4).clock(offBy30s).build();
        RedisRateLimiter right = nodeB.rateLimiter().name(name).rate(0.001).burst(4).build();
        assertTrue(skewed.allow());
        assertTrue(right.allow());
        assertTrue(skewed.allow());
        assertTrue(right.allow());
        offBy30s.advance(Duration.ofHours(1)); // its clock jumps an hour: no tokens come from that
        assertFalse(skewed.allow(), "decisions take Redis's time, not the node's");
        assertFalse(right.allow());
        skewed.close();
        right.close();
    }

    @Test
    @Order(Integer.MAX_VALUE - 1) // it stalls Redis: after the others, before the kill
    void noCallWaitsLongerThanTheTimeoutWhenRedisStalls() throws Exception {
        RedisRateLimiter closed = nodeA.rateLimiter().name(name("stalled")).rate(1000).burst(1000)
                .failurePolicy(FailurePolicy.FAIL_CLOSED).build();
        assertTrue(closed.allow());
        // a script that keeps the single-threaded server busy for 3 s: every other call waits behind it
        String busy = "local t = redis.call('TIME') local s = t[1] * 1000000 + t[2] "
                + "while true do local n = redis.call('TIME') if n[1] * 1000000 + n[2] - s > 3000000 then break end end "
                + "return 1";
        try (redis.clients.jedis.RedisClient stall = redis.clients.jedis.RedisClient.builder()
                .hostAndPort(new redis.clients.jedis.HostAndPort("127.0.0.1", server.port()))
                .clientConfig(redis.clients.jedis.DefaultJedisClientConfig.builder().timeoutMillis(5000).build())
                .build()) {
            Thread staller = new Thread(() -> stall.eval(busy), "test-stall-redis");
            staller.start();
            // the stall is in effect once a PING with a 300 ms timeout goes unanswered
            try (redis.clients.jedis.RedisClient probe = redis.clients.jedis.RedisClient.builder()
                    .hostAndPort(new redis.clients.jedis.HostAndPort("127.0.0.1", server.port()))
                    .clientConfig(redis.clients.jedis.DefaultJedisClientConfig.builder().timeoutMillis(300).build())
                    .build()) {
                Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> {
                    try {
                        probe.ping();
                        return false;
                    } catch (redis.clients.jedis.exceptions.JedisException stalled) {
                        return true;
                    }
                });
            }
            long t0 = System.nanoTime();
            boolean admitted = closed.allow();
            long tookMillis = (System.nanoTime() - t0) / 1_000_000;
            staller.join(10_000);
            // the timeout is 200 ms; without it the call would wait for the rest of the 3 s stall
            assertTrue(tookMillis < 1500, "allow() took " + tookMillis + " ms with a 200 ms timeout");
            assertFalse(admitted, "fail-closed: Redis did not answer in time");
            assertTrue(closed.backendStats().fallbacks() >= 1, closed.backendStats().toString());
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(closed::allow);
        closed.close();
    }

    @Test
    @Order(Integer.MAX_VALUE) // it kills Redis: the other tests run before it
    void eachFailurePolicyDecidesWhileRedisIsDeadAndTheLimiterRecoversWhenItReturns() throws Exception {
        RedisRateLimiter open = nodeA.rateLimiter().name(name("open")).rate(0.001).burst(1)
                .failurePolicy(FailurePolicy.FAIL_OPEN).build();
        RedisRateLimiter closed = nodeA.rateLimiter().name(name("closed")).rate(1000).burst(1000)
                .failurePolicy(FailurePolicy.FAIL_CLOSED).build();
        ManualClock clock = new ManualClock();
        RedisRateLimiter local = nodeA.rateLimiter().name(name("local")).rate(0.001).burst(8)
                .failurePolicy(FailurePolicy.LOCAL).localShare(0.25).clock(clock).build();
        assertTrue(open.allow());
        assertFalse(open.allow(), "with Redis up, the fleet's limit holds");
        assertTrue(closed.allow());
        server.kill();
        try {
            for (int i = 0; i < 5; i++) {
                assertTrue(open.allow(), "fail-open admits while Redis is dead");
                assertFalse(closed.allow(), "fail-closed refuses while Redis is dead");
            }
            int localAdmitted = 0;
            for (int i = 0; i < 10; i++) {
                localAdmitted += local.allow() ? 1 : 0;
            }
            assertEquals(2, localAdmitted, "the local bucket has a quarter of the burst of 8");
            assertTrue(open.backendStats().fallbacks() >= 5, open.backendStats().toString());
            assertTrue(closed.backendStats().fallbacks() >= 5, closed.backendStats().toString());
            assertEquals(2, local.backendStats().fallbackAllowed(), local.backendStats().toString());
            assertFalse(nodeA.state().connected(), nodeA.state().toString());
        } finally {
            server.restart();
        }
        // Redis is back (empty: nothing was persisted): the limiters go to it again by themselves
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> closed.allow());
        long fallbacks = closed.backendStats().fallbacks();
        assertTrue(closed.allow());
        assertEquals(fallbacks, closed.backendStats().fallbacks(), "decided by Redis again");
        assertTrue(nodeA.state().connected());
        // the other node works again too, with no restart of anything
        RedisRateLimiter onB = nodeB.rateLimiter().name(name("after")).rate(0.001).burst(1).build();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(onB::allow);
        assertFalse(onB.allow(), "decided by Redis: the burst of 1 is taken");
        onB.close();
        open.close();
        closed.close();
        local.close();
    }
}
