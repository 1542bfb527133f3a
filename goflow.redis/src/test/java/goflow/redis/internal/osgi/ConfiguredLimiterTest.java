package goflow.redis.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.osgi.framework.BundleContext;

import goflow.api.GoFlow;
import goflow.api.ratelimit.RateLimiter;
import goflow.impl.GoFlowImpl;
import goflow.redis.RedisConnection;
import goflow.redis.streams.RedisServer;

/**
 * A configured fleet-wide limiter on a real redis-server, with a stand-in BundleContext: a rejected
 * live change leaves the fleet's limit as it was, and a limiter a user of its service closed is
 * recreated by the next update instead of the update failing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfiguredLimiterTest {
    private final List<Object> registered = new CopyOnWriteArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final java.util.logging.Handler handler = new java.util.logging.Handler() {
        @Override
        public void publish(java.util.logging.LogRecord r) {
            log.add(r.getLevel() + " " + r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final java.util.logging.Logger logger = java.util.logging.Logger.getLogger(ConfigValues.class.getName());
    private RedisServer server;
    private RedisConnection redis;
    private GoFlow goflow;

    @BeforeAll
    void start() throws Exception {
        server = RedisServer.start();
        redis = RedisConnection.builder().name("test").uri("redis://127.0.0.1:" + server.port())
                .timeout(Duration.ofSeconds(5)).build();
        goflow = new GoFlowImpl();
        logger.addHandler(handler);
    }

    @AfterAll
    void stop() throws Exception {
        logger.removeHandler(handler);
        goflow.close();
        redis.close();
        server.close();
    }

    private BundleContext context() {
        return StandIns.context(registered);
    }

    /** A configuration as DS hands it over: the given values, else the defaults. */
    private static RedisTokenBucketConfig config(Map<String, Object> values) {
        return StandIns.config(RedisTokenBucketConfig.class, values);
    }

    private static Map<String, Object> props(String pid, Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("service.pid", pid);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private RateLimiter only() {
        assertEquals(1, registered.size(), registered.toString());
        return (RateLimiter) registered.get(0);
    }

    @Test
    void aRejectedLiveChangeLeavesTheFleetsRateAndBurstAsTheyWere() {
        String pid = "goflow.redis.tokenbucket~partial";
        Map<String, Object> p = props(pid, "rate", 10.0, "burst", 10L);
        RedisTokenBucketComponent c = new RedisTokenBucketComponent(context(), config(p), p, redis, goflow);
        RateLimiter l = only();
        Map<String, Object> bad = props(pid, "rate", 50.0, "burst", 0L);
        c.modified(config(bad), bad);
        assertTrue(log.stream().anyMatch(m -> m.contains("rejected: property 'burst' = 0")), log.toString());
        assertEquals(10.0, l.rate().eventsPerSecond(), "the rate of a rejected update is not applied");
        assertEquals(10, l.burst());
        try (redis.clients.jedis.RedisClient raw = server.client()) {
            assertEquals(10.0, Double.parseDouble(raw.hget("goflow:rl:{" + l.name() + "}:conf", "rate")),
                    "nor written for the fleet");
        }
        c.deactivate();
        assertEquals(List.of(), registered);

        String keyedPid = "goflow.redis.keyed~partial-keyed";
        Map<String, Object> kp = props(keyedPid, "rate", 10.0, "burst", 10L);
        RedisKeyedRateLimiterComponent k = new RedisKeyedRateLimiterComponent(context(), keyed(kp), kp, redis, goflow);
        assertEquals(1, registered.size(), registered.toString());
        goflow.api.ratelimit.KeyedRateLimiter<?> keyed = (goflow.api.ratelimit.KeyedRateLimiter<?>) registered.get(0);
        Map<String, Object> keyedBad = props(keyedPid, "rate", 50.0, "burst", 0L);
        k.modified(keyed(keyedBad), keyedBad);
        assertEquals(10.0, keyed.rate().eventsPerSecond(), "the rate of a rejected update is not applied");
        assertEquals(10, keyed.burst());
        k.deactivate();
        assertEquals(List.of(), registered);
    }

    @Test
    void aLimiterClosedByAUserOfItsServiceIsRecreatedByTheNextUpdateNotThrownToDs() {
        String pid = "goflow.redis.tokenbucket~closed";
        Map<String, Object> p = props(pid, "rate", 10.0, "burst", 10L);
        RedisTokenBucketComponent c = new RedisTokenBucketComponent(context(), config(p), p, redis, goflow);
        RateLimiter closed = only();
        closed.close(); // a bundle that got the service closes it at its own stop
        Map<String, Object> changed = props(pid, "rate", 20.0, "burst", 10L);
        c.modified(config(changed), changed); // a live change: threw ClosedException to DS
        RateLimiter recreated = only();
        assertNotSame(closed, recreated, "the closed limiter is replaced");
        assertEquals(20.0, recreated.rate().eventsPerSecond());
        assertTrue(recreated.allow());
        assertTrue(log.stream().anyMatch(m -> m.startsWith("WARNING") && m.contains(pid)
                && m.contains("could not be updated live") && m.contains("it is recreated")), log.toString());
        c.deactivate();
        assertEquals(List.of(), registered);
    }

    @Test
    void aRejectedChangeOfAFixedSettingLeavesTheLimiterInEffectOpenForItsUsers() {
        String pid = "goflow.redis.tokenbucket~fixed";
        Map<String, Object> p = props(pid, "rate", 10.0, "burst", 10L);
        RedisTokenBucketComponent c = new RedisTokenBucketComponent(context(), config(p), p, redis, goflow);
        RateLimiter inEffect = only();
        for (Object[] bad : new Object[][] {{"failurePolicy", "sometimes"}, {"localShare", 5.0},
            {"localLeaseTokens", 1}, {"localLeaseMaxAge", "100ms", "localLeaseTokens", 10}, {"name", "a b"}}) {
            Map<String, Object> changed = props(pid, "rate", 10.0, "burst", 10L);
            for (int i = 0; i < bad.length; i += 2) {
                changed.put((String) bad[i], bad[i + 1]);
            }
            log.clear();
            c.modified(config(changed), changed);
            assertTrue(log.stream().anyMatch(m -> m.startsWith("SEVERE") && m.contains("rejected: property '"
                    + bad[0].toString().replace("localLeaseTokens", "localLease") )), List.of(bad) + ": " + log);
            assertSame(inEffect, only(), List.of(bad) + ": the limiter in effect goes on");
            assertTrue(inEffect.allow(), List.of(bad) + ": and its users can still use it");
        }

        String keyedPid = "goflow.redis.keyed~fixed-keyed";
        Map<String, Object> kp = props(keyedPid, "rate", 10.0, "burst", 10L);
        RedisKeyedRateLimiterComponent k = new RedisKeyedRateLimiterComponent(context(), keyed(kp), kp, redis, goflow);
        @SuppressWarnings("unchecked")
        goflow.api.ratelimit.KeyedRateLimiter<Object> keyed = (goflow.api.ratelimit.KeyedRateLimiter<Object>)
                registered.stream().filter(r -> r instanceof goflow.api.ratelimit.KeyedRateLimiter).findFirst()
                        .orElseThrow();
        Map<String, Object> keyedBad = props(keyedPid, "rate", 10.0, "burst", 10L, "idleTimeout", "10m");
        k.modified(keyed(keyedBad), keyedBad);
        assertTrue(log.stream().anyMatch(m -> m.contains("rejected: property 'idleTimeout'")), log.toString());
        assertTrue(registered.contains(keyed), "the keyed limiter in effect goes on");
        assertTrue(keyed.allow("client-1"), "and its users can still use it");
        k.deactivate();
        c.deactivate();
        assertEquals(List.of(), registered);
    }

    private static RedisKeyedRateLimiterConfig keyed(Map<String, Object> values) {
        return StandIns.config(RedisKeyedRateLimiterConfig.class, values);
    }
}
