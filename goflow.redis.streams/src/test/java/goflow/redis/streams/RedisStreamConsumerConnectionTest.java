package goflow.redis.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import goflow.api.GoFlow;
import goflow.api.pipeline.Pipeline;
import goflow.impl.GoFlowImpl;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The consumer's own connections closed by the server (CLIENT KILL) while idle or in use, on a
 * real redis-server of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisStreamConsumerConnectionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private RedisServer server;
    private RedisClient redis;
    private final GoFlow goflow = new GoFlowImpl();
    private int test;
    /** What the consumer logged during the test, as "LEVEL message". */
    private final LogCapture capture = new LogCapture(RedisStreamConsumer.class);
    private final List<String> logs = capture.lines;

    @BeforeAll
    void startRedis() throws Exception {
        server = RedisServer.start();
        redis = server.client();
    }

    @AfterAll
    void stopRedis() throws Exception {
        goflow.close();
        if (redis != null) {
            redis.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void captureLogs() {
        capture.start();
    }

    @AfterEach
    void nextKeys() {
        capture.stop();
        test++;
    }

    private String key(String what) {
        return "{c" + test + "}:" + what;
    }

    private void produce(String stream, int n, String prefix) {
        for (int i = 0; i < n; i++) {
            redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("data", prefix + i));
        }
    }

    /** A consumer on its own connection ({@code goflow-stream-<name>}) to the test's server. */
    private RedisStreamConsumerBuilder consumer(String name, Pipeline<String, ?> p) {
        return RedisStreamConsumer.builder().uri("redis://127.0.0.1:" + server.port()).consumer(name)
                .stream(key("in")).group("workers").output(key("out")).pipeline(p).block(Duration.ofMillis(100));
    }

    /** Closes, from the server's side, every connection named {@code goflow-stream-<consumer>}; returns how many. */
    private int killConnections(String consumer) {
        return killConnections(consumer, false);
    }

    /**
     * Closes, from the server's side, the connections named {@code goflow-stream-<consumer>}, or
     * only those not blocked in a command ({@code idleOnly}: the reader blocked in XREADGROUP is spared).
     */
    private int killConnections(String consumer, boolean idleOnly) {
        int killed = 0;
        try (Jedis raw = new Jedis("127.0.0.1", server.port())) {
            for (String line : raw.clientList().split("\n")) {
                if (line.contains(" name=goflow-stream-" + consumer + " ")
                        && !(idleOnly && line.contains(" flags=b "))) {
                    String id = line.split(" ")[0].substring("id=".length());
                    raw.sendCommand(Protocol.Command.CLIENT, "KILL", "ID", id);
                    killed++;
                }
            }
        }
        return killed;
    }

    @Test
    void theReadersConnectionTheServerClosedIsReplacedAtOnceNotAfterAReconnectIntervalWithAWarning()
            throws Exception {
        Pipeline<String, String> same = goflow.pipeline("reader-" + test).input(String.class).stage("same", s -> s)
                .build();
        produce(key("in"), 5, "before-");
        String name = "reader-" + test;
        try (RedisStreamConsumer c = consumer(name, same).reconnectInterval(Duration.ofMinutes(1))
                .block(Duration.ofSeconds(1)).build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 5);
            // every connection of the consumer: the reader's, blocked in XREADGROUP, and the idle ones
            Awaitility.await().atMost(WAIT).until(() -> killConnections(name) > 0);
            produce(key("in"), 5, "after-");
            // reconnectInterval is 1 min: a reader taking the lost connection for Redis down waits it out
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 10);
            assertEquals(0, c.stats().pending());
        }
        assertEquals(10, redis.xlen(key("out")));
        assertFalse(logs.stream().anyMatch(l -> l.startsWith("WARNING")), "Redis was up: " + logs);
    }

    @Test
    void aRefusedConnectOrATimeoutIsNotTakenForALostConnection() throws Exception {
        int closedPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort();
        }
        try (RedisClient nobody = RedisClient.create("127.0.0.1", closedPort)) {
            JedisConnectionException refused = assertThrows(JedisConnectionException.class, nobody::ping);
            assertFalse(RedisStreamConsumer.isLostConnection(refused), "a refused connect is Redis down: " + refused);
        }
        assertFalse(RedisStreamConsumer.isLostConnection(new JedisConnectionException(
                new java.net.SocketTimeoutException("Read timed out"))));
        assertTrue(RedisStreamConsumer.isLostConnection(new JedisConnectionException("Unexpected end of stream.")));
    }

    @Test
    void aConsumerNameRedisRefusesAsAClientNameStillConsumesOnItsOwnConnection() {
        Pipeline<String, String> same = goflow.pipeline("named-" + test).input(String.class).stage("same", s -> s)
                .build();
        produce(key("in"), 3, "item-");
        // a valid name in a consumer group, but CLIENT SETNAME takes only the characters '!' to '~'
        String name = "verbraucher-\u00fc-" + test;
        try (RedisStreamConsumer c = consumer(name, same).build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 3);
            assertEquals(name, c.consumer());
        }
        assertEquals(3, redis.xlen(key("out")));
        assertEquals(name, redis.xinfoConsumers(key("in"), "workers").get(0).getName());
        assertEquals("goflow-stream-verbraucher-%C3%BC-" + test, RedisStreamConsumerBuilder.clientName(name));
    }

    @Test
    void anIdleConnectionTheServerClosedTakenByTheOutputCostsNoClaimIdleNorADelivery() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        Pipeline<String, String> gated = goflow.pipeline("out-" + test).input(String.class).stage("gated", s -> {
            if (s.startsWith("after-")) {
                gate.await(30, TimeUnit.SECONDS);
            }
            return s;
        }).build();
        produce(key("in"), 5, "before-");
        String name = "out-" + test;
        try (RedisStreamConsumer c = consumer(name, gated).claimIdle(Duration.ofMinutes(5))
                .reconnectInterval(Duration.ofMillis(50)).block(Duration.ofSeconds(1)).build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 5);
            produce(key("in"), 3, "after-");
            Awaitility.await().atMost(WAIT).until(() -> c.stats().inFlight() == 3);
            // the reader blocks in XREADGROUP on its connection; the others, idle in the pool, are closed
            Awaitility.await().atMost(WAIT).until(() -> killConnections(name, true) > 0);
            gate.countDown(); // the results are written on a connection taken from the pool
            // claimIdle is 5 min: the entries of a run that ended on the dead connection would wait for it
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 8);
            RedisStreamStats s = c.stats();
            assertEquals(0, s.pending());
            assertEquals(0, s.failed());
            assertEquals(0, s.claimed());
        }
        assertEquals(8, redis.xlen(key("out")), "each result written once");
        assertFalse(logs.stream().anyMatch(l -> l.contains("the pipeline run ended")), String.valueOf(logs));
    }

    @Test
    void statsOnAnIdleConnectionTheServerClosedShowsThePendingCountNotUnknown() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        Pipeline<String, String> gated = goflow.pipeline("stats-" + test).input(String.class).stage("gated", s -> {
            gate.await(30, TimeUnit.SECONDS);
            return s;
        }).build();
        produce(key("in"), 2, "held-");
        String name = "stats-" + test;
        try (RedisStreamConsumer c = consumer(name, gated).claimIdle(Duration.ofMinutes(5))
                .block(Duration.ofSeconds(1)).build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().inFlight() == 2 && c.stats().pending() == 2);
            // the reader blocks in XREADGROUP on its connection; the idle one stats() used is closed
            Awaitility.await().atMost(WAIT).until(() -> killConnections(name, true) > 0);
            assertEquals(2, c.stats().pending(), "Redis is up: the pending count is known");
            gate.countDown();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 2);
        }
    }
}
