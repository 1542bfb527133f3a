package goflow.redis;

import java.time.Duration;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import goflow.redis.streams.RedisServer;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * A test fleet on a real redis-server started on a free 127.0.0.1 port before a test class's
 * tests and stopped by PID after them: two "nodes" (a connection each, with the given timeout) and
 * a raw client for looking at the keys. Register with {@code @RegisterExtension} on an instance
 * field of a {@code PER_CLASS} test class.
 */
final class RedisNodes implements BeforeAllCallback, AfterAllCallback {
    private final Duration timeout;
    RedisServer server;
    RedisConnection nodeA;
    RedisConnection nodeB;
    /** A plain Jedis client, to read what the limiters and leases wrote. */
    RedisClient raw;

    RedisNodes(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = RedisServer.start();
        nodeA = connection("node-a", timeout);
        nodeB = connection("node-b", timeout);
        raw = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", server.port()))
                .clientConfig(DefaultJedisClientConfig.builder().timeoutMillis(5000).build()).build();
    }

    /** A further connection to the same server. */
    RedisConnection connection(String name, Duration timeout) {
        return RedisConnection.builder().name(name).uri("redis://127.0.0.1:" + server.port()).timeout(timeout)
                .reconnectInterval(Duration.ofMillis(50)).build();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {raw, nodeA, nodeB, server}) {
            if (c != null) {
                c.close();
            }
        }
    }
}
