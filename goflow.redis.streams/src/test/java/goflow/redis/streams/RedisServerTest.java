package goflow.redis.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.List;

import org.junit.jupiter.api.Test;

import redis.clients.jedis.RedisClient;

/** The test fixture itself: a port taken before redis-server binds it costs a retry, not the test class. */
class RedisServerTest {
    @Test
    void aTakenPortIsSkippedForTheNext() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int free = probe.getLocalPort();
            probe.close();
            ArrayDeque<Integer> ports = new ArrayDeque<>(List.of(taken.getLocalPort(), free));
            try (RedisServer server = RedisServer.start(ports::remove); RedisClient c = server.client()) {
                assertEquals(free, server.port());
                assertNotEquals(taken.getLocalPort(), server.port());
                assertEquals("PONG", c.ping());
            }
        }
    }
}
