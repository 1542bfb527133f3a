package goflow.redis.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import goflow.api.GoFlow;
import goflow.api.pipeline.Pipeline;
import goflow.impl.GoFlowImpl;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The consumer on the paths nobody names, on a real redis-server of its own (one test kills and
 * restarts it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisStreamConsumerFaultTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private RedisServer server;
    private RedisClient redis;
    private final GoFlow goflow = new GoFlowImpl();
    private int test;

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

    @AfterEach
    void nextKeys() {
        test++;
    }

    private String key(String what) {
        return "{f" + test + "}:" + what;
    }

    private void produce(String stream, int n, String prefix) {
        for (int i = 0; i < n; i++) {
            redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("data", prefix + i));
        }
    }

    private RedisStreamConsumerBuilder consumer(Pipeline<String, ?> p) {
        return RedisStreamConsumer.builder(redis).stream(key("in")).group("workers").output(key("out")).pipeline(p)
                .block(Duration.ofMillis(100)).reconnectInterval(Duration.ofMillis(50));
    }

    private Pipeline<String, String> same(String name) {
        return goflow.pipeline(name + "-" + test).input(String.class).stage("same", s -> s).build();
    }

    @Test
    void aRedisRestartedEmptyIsReadAgainOnceTheConsumerRecreatesItsGroup() throws Exception {
        produce(key("in"), 20, "before-");
        try (RedisStreamConsumer c = consumer(same("restart")).consumer("survivor").build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 20);
            server.kill();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().pending() == -1);
            server.restart(); // empty: the stream and its group are gone
            produce(key("in"), 20, "after-");
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 40);
            assertEquals(0, c.stats().pending());
            assertTrue(c.stats().running());
        }
        List<StreamEntry> out = redis.xrange(key("out"), "-", "+");
        assertEquals(20, out.size(), "the results written after the restart");
        assertEquals("after-0", out.get(0).getFields().get("data"));
    }
}
