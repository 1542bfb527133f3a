package goflow.redis.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import goflow.api.GoFlow;
import goflow.api.pipeline.Pipeline;
import goflow.impl.GoFlowImpl;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/**
 * A consumer never claims back what it has in flight itself: an entry that takes longer than
 * {@code claimIdle} to get through the pipeline (a slow stage, or a queue behind one) is not
 * delivered a second time to the same consumer, nor counted as a delivery, nor dead-lettered for
 * it. Claims are for the entries of consumers that died or stalled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisStreamOwnEntriesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration CLAIM_IDLE = Duration.ofMillis(100);
    private RedisServer server;
    private RedisClient redis;
    private final GoFlow goflow = new GoFlowImpl();

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

    @Test
    void anEntryInFlightLongerThanClaimIdleIsNotClaimedBackByItsOwnConsumer() {
        String in = "{own}:in";
        for (int i = 0; i < 3; i++) {
            redis.xadd(in, StreamEntryID.NEW_ENTRY, Map.of("data", "item-" + i));
        }
        AtomicInteger claimAttempts = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        Pipeline<String, String> slow = goflow.pipeline("slow-first").input(String.class).stage("slow", s -> {
            runs.incrementAndGet();
            if (s.equals("item-0")) {
                // in flight well past claimIdle, while the reading thread keeps trying to claim:
                // the other two entries wait behind this one, in flight too
                holdThroughClaims(claimAttempts);
            }
            return s;
        }).build();
        try (RedisStreamConsumer c = RedisStreamConsumer.builder(redis).stream(in).group("workers")
                .output("{own}:out").pipeline(slow).consumer("c1").block(Duration.ofMillis(20))
                .claimIdle(CLAIM_IDLE).maxDeliveries(2).build()) {
            c.afterClaim = claimAttempts::incrementAndGet;
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 3);
            RedisStreamStats s = c.stats();
            assertTrue(claimAttempts.get() >= 4, "the reading thread tried to claim while the entry was in flight");
            assertEquals(0, s.claimed(), "the consumer claimed back its own entries in flight");
            assertEquals(0, s.deadLettered(), "an entry in flight was dead-lettered as undeliverable");
            assertEquals(0, s.failed());
            assertEquals(3, s.read());
        }
        assertEquals(3, runs.get(), "each entry went through the pipeline once");
        assertEquals(3, redis.xlen("{own}:out"));
        assertEquals(0, redis.xlen("{own}:in:dead"));
    }

    /**
     * The same while the outcome is being written: the run's output thread has taken the entry
     * from the run and turns its result into text (a slow {@code toString()}) before the script
     * writes it and acknowledges the entry.
     */
    @Test
    void anEntryWhoseOutcomeIsBeingWrittenIsNotClaimedBackByItsOwnConsumer() {
        String in = "{settling}:in";
        redis.xadd(in, StreamEntryID.NEW_ENTRY, Map.of("data", "item"));
        AtomicInteger claimAttempts = new AtomicInteger();
        Pipeline<String, Object> slowText = goflow.pipeline("slow-text").input(String.class).stage("wrap", s -> (Object) new Object() {
            @Override
            public String toString() {
                holdThroughClaims(claimAttempts);
                return s;
            }
        }).build();
        try (RedisStreamConsumer c = RedisStreamConsumer.builder(redis).stream(in).group("workers")
                .output("{settling}:out").pipeline(slowText).consumer("c1").block(Duration.ofMillis(20))
                .claimIdle(CLAIM_IDLE).maxDeliveries(2).build()) {
            c.afterClaim = claimAttempts::incrementAndGet;
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 1);
            RedisStreamStats s = c.stats();
            assertEquals(0, s.claimed(), "the consumer claimed back the entry whose outcome it was writing");
            assertEquals(0, s.deadLettered());
            assertEquals(1, s.read());
        }
        assertEquals(1, redis.xlen("{settling}:out"));
    }

    /** Returns after four more claim attempts and five times claimIdle (or the test's whole wait). */
    private static void holdThroughClaims(AtomicInteger claimAttempts) {
        int from = claimAttempts.get();
        long until = System.nanoTime() + 5 * CLAIM_IDLE.toNanos();
        long giveUp = System.nanoTime() + WAIT.toNanos();
        while ((claimAttempts.get() - from < 4 || System.nanoTime() - until < 0) && System.nanoTime() - giveUp < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
