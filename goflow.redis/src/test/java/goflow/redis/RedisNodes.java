package goflow.redis;

import java.time.Duration;

import goflow.redis.streams.RedisServer;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * A test fleet on a real redis-server started on a free 127.0.0.1 port: two "nodes" (a connection
 * each, with the given timeout) and a raw client for looking at the keys. Closing it closes the
 * connections and stops the server by PID.
 */
final class RedisNodes implements AutoCloseable {
    final RedisServer server;
    final RedisConnection nodeA;
    final RedisConnection nodeB;
    /** A plain Jedis client, to read what the limiters and leases wrote. */
    final RedisClient raw;

    RedisNodes(Duration timeout) throws Exception {
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
    public void close() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {raw, nodeA, nodeB, server}) {
            if (c != null) {
                c.close();
            }
        }
    }
}
