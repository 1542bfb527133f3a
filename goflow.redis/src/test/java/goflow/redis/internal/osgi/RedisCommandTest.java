package goflow.redis.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import goflow.redis.FailurePolicy;
import goflow.redis.RedisConnection;
import goflow.redis.RedisKeyedRateLimiter;
import goflow.redis.RedisRateLimiter;
import goflow.redis.streams.RedisServer;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * {@code goflow:redis} on a real redis-server: what it prints comes from outside (a keyed limiter's
 * key, which a caller may take from a request, shows in the connection's last error), so control
 * characters show escaped and do nothing to the terminal, and the limiters' table stays aligned
 * with a name longer than its column.
 */
class RedisCommandTest {

    @Test
    void aHostileKeyInTheLastErrorAndALongLimiterNameLeaveOneAlignedLinePerRow() throws Exception {
        try (RedisServer server = RedisServer.start();
                RedisConnection c = RedisConnection.builder().name("cmd").uri("redis://127.0.0.1:" + server.port())
                        .timeout(Duration.ofSeconds(5)).build();
                RedisClient raw = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", server.port()))
                        .clientConfig(DefaultJedisClientConfig.builder().timeoutMillis(5000).build()).build()) {
            String key = "\u001b[2J\u001b]0;owned\u0007x\ny";
            RedisKeyedRateLimiter<String> keyed = c.keyedRateLimiter().name("keyed").rate(10).burst(5)
                    .failurePolicy(FailurePolicy.FAIL_OPEN).build();
            RedisRateLimiter longName = c.rateLimiter().name("a-limiter-with-a-rather-long-name").rate(10).burst(5)
                    .build();
            assertTrue(longName.allow());
            raw.hset("goflow:rl:{keyed}:k:" + key, "written", "by something else");
            java.util.logging.Logger jul = java.util.logging.Logger.getLogger("goflow.redis.internal.ConnectionImpl");
            List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.logging.Handler capture = new java.util.logging.Handler() {
                @Override
                public void publish(java.util.logging.LogRecord r) {
                    logged.add(new java.util.logging.SimpleFormatter().formatMessage(r));
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
                assertTrue(keyed.allow(key), "FAIL_OPEN admits while the key cannot be read");
            } finally {
                jul.removeHandler(capture);
            }
            // the WARNING quotes the key escaped: a line break in it would forge a log line
            assertTrue(logged.stream().anyMatch(l -> l.contains("\\u001b[2J") && l.contains("x\\ny")), logged.toString());
            assertTrue(logged.stream().noneMatch(l -> l.chars().anyMatch(Character::isISOControl)), logged.toString());
            assertTrue(String.valueOf(c.state().lastError()).contains(key), String.valueOf(c.state()));
            RedisConnectionComponent.current = c;
            String out;
            try {
                out = new RedisCommand().redis();
            } finally {
                RedisConnectionComponent.current = null;
            }
            assertTrue(out.chars().noneMatch(ch -> ch != '\n' && Character.isISOControl(ch)), out);
            assertTrue(out.contains("\\u001b[2J\\u001b]0;owned\\u0007x\\ny"), out);
            List<String> lines = Arrays.asList(out.split("\n"));
            int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("limiter")).findFirst().orElseThrow());
            String head = lines.get(header);
            String row = lines.get(header + 1);
            assertTrue(row.startsWith("a-limiter-with-a-rather-long-name "), row);
            assertEquals(head.length(), row.length(), "the columns stay aligned:\n" + out);
            assertFalse(row.contains("long-nameFAIL"), row);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("keyed ") && l.endsWith(" 1")), out);
            keyed.close();
            longName.close();
        }
    }
}
