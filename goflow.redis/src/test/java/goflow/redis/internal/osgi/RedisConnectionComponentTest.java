package goflow.redis.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

import goflow.api.ClosedException;
import goflow.api.schedule.LeaseProvider;
import goflow.redis.RedisConnection;
import goflow.redis.streams.RedisServer;

/**
 * The goflow.redis connection component with a stand-in BundleContext on a real redis-server: an
 * update that is rejected leaves the connection in effect (and what is built on it) as it was.
 */
class RedisConnectionComponentTest {
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

    private BundleContext context() {
        return StandIns.context(registered);
    }

    /** A configuration as DS hands it over: the given values, else the defaults. */
    private static RedisConnectionConfig config(Map<String, Object> values) {
        return StandIns.config(RedisConnectionConfig.class, values);
    }

    private static Map<String, Object> props(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("service.pid", RedisConnection.PID);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private RedisConnection connection() {
        List<Object> c = registered.stream().filter(RedisConnection.class::isInstance).toList();
        assertEquals(1, c.size(), registered.toString());
        assertEquals(1, registered.stream().filter(LeaseProvider.class::isInstance).count(), registered.toString());
        return (RedisConnection) c.get(0);
    }

    /** Whether a limiter can still be built on the connection (a closed one refuses). */
    private static boolean open(RedisConnection c) {
        try {
            c.rateLimiter().name("probe").build().close();
            return true;
        } catch (ClosedException e) {
            return false;
        }
    }

    @Test
    void aRejectedUpdateLeavesTheConnectionInEffectAndAValidOneReplacesIt() throws Exception {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(RedisConnectionComponent.class.getName());
        logger.addHandler(handler);
        try (RedisServer server = RedisServer.start()) {
            String uri = "redis://127.0.0.1:" + server.port();
            Map<String, Object> p = props("uri", uri, "timeout", "PT1S");
            RedisConnectionComponent c = new RedisConnectionComponent(context(), config(p), p);
            RedisConnection inEffect = connection();
            try (var limiter = inEffect.rateLimiter().name("api").rate(10).burst(10).build()) {
                for (Object[] bad : new Object[][] {{"timeout", "200ms"}, {"uri", "http://example.org"},
                    {"poolSize", 0}}) {
                    Map<String, Object> changed = props("uri", uri, "timeout", "PT1S");
                    changed.put((String) bad[0], bad[1]);
                    log.clear();
                    c.modified(config(changed), changed);
                    assertTrue(log.stream().anyMatch(m -> m.startsWith("SEVERE") && m.contains("rejected: property '"
                            + bad[0] + "'")), List.of(bad) + ": " + log);
                    assertSame(inEffect, connection(), List.of(bad) + ": the connection in effect goes on");
                    assertTrue(open(inEffect), List.of(bad) + ": not closed");
                    assertTrue(limiter.allow(), List.of(bad) + ": nor the limiters built on it");
                }
            }

            Map<String, Object> valid = props("uri", uri, "timeout", "PT2S");
            c.modified(config(valid), valid);
            RedisConnection replaced = connection();
            assertNotSame(inEffect, replaced, "a valid change recreates the connection");
            assertEquals(Duration.ofSeconds(2), replaced.timeout());
            assertTrue(!open(inEffect), "the replaced one is closed");
            assertTrue(open(replaced));
            c.deactivate();
            assertEquals(List.of(), registered);
            assertThrows(ClosedException.class, () -> replaced.rateLimiter().name("late").build());
        } finally {
            logger.removeHandler(handler);
        }
    }
}
