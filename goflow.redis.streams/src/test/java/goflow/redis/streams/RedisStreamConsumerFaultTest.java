package goflow.redis.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.pipeline.Pipeline;
import goflow.impl.GoFlowImpl;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.args.ClientPauseMode;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The consumer on the paths nobody names, on a real redis-server of its own (one test kills and
 * restarts it): Redis restarted empty, claims among entries this consumer owns, a pipeline closed
 * under the consumer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisStreamConsumerFaultTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private RedisServer server;
    private RedisClient redis;
    private final GoFlow goflow = new GoFlowImpl();
    private int test;
    /** What the consumer logged during the test, as "LEVEL message". */
    private final LogCapture capture = new LogCapture(RedisStreamConsumer.class);
    private final List<String> logs = capture.lines;

    @BeforeEach
    void captureLogs() {
        capture.start();
    }

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
        capture.stop();
        test++;
    }

    private boolean logged(String level, String... parts) {
        return logs.stream().anyMatch(l -> l.startsWith(level + " ") && java.util.Arrays.stream(parts).allMatch(l::contains));
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

    @Test
    void aClaimAmongEntriesThisConsumerOwnsTakesTheClaimedEntriesDeliveryCountsNotAMadeUpOne() throws Exception {
        // ghost reads entry 0, "me" reads entries 1..10, ghost reads entry 11; the ghost dies
        produce(key("in"), 12, "item-");
        redis.xgroupCreate(key("in"), "workers", new StreamEntryID(0, 0), true);
        StreamEntryID first = read("ghost", 1).get(0).getID();
        List<StreamEntry> mine = read("me", 10);
        StreamEntryID last = read("ghost", 1).get(0).getID();
        Duration claimIdle = Duration.ofSeconds(3);
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> redis.xpending(key("in"),
                "workers", XPendingParams.xPendingParams(first, first, 1))
                .get(0).getIdleTime() > claimIdle.toMillis() + 200);
        // "me" (a previous life of the consumer) touched its entries just now: they are not idle
        redis.xclaimJustId(key("in"), "workers", "me", 0, XClaimParams.xClaimParams(),
                mine.stream().map(StreamEntry::getID).toArray(StreamEntryID[]::new));
        try (RedisStreamConsumer c = consumer(same("interleaved")).consumer("me").claimIdle(claimIdle).build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 12);
            assertEquals(0, c.stats().deadLettered(), "delivered twice at most: nothing is dead-lettered");
            assertEquals(0, c.stats().pending());
        }
        assertEquals(0, redis.xlen(key("in") + ":dead"));
        assertEquals(12, redis.xlen(key("out")));
        assertTrue(redis.xrange(key("out"), "-", "+").stream()
                .anyMatch(e -> e.getFields().get("source").equals(last.toString())), "the ghost's last entry");
    }

    /** The fields of the one entry of the dead-letter stream, as bytes (a value need not be text). */
    private Map<String, byte[]> theOneDeadLetter() {
        List<Object> dead = redis.xrange((key("in") + ":dead").getBytes(StandardCharsets.UTF_8),
                "-".getBytes(StandardCharsets.UTF_8), "+".getBytes(StandardCharsets.UTF_8));
        assertEquals(1, dead.size());
        List<?> pairs = (List<?>) ((List<?>) dead.get(0)).get(1);
        Map<String, byte[]> f = new java.util.HashMap<>();
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            f.put(new String((byte[]) pairs.get(i), StandardCharsets.UTF_8), (byte[]) pairs.get(i + 1));
        }
        return f;
    }

    /**
     * One entry ("once") that a consumer "ghost" of group "workers" read once and left pending (it
     * died), idle for longer than {@code claimIdle}, so that a claim takes it over.
     */
    private StreamEntryID readByAGhostAndIdle(Duration claimIdle) {
        StreamEntryID entry = redis.xadd(key("in"), StreamEntryID.NEW_ENTRY, Map.of("data", "once"));
        redis.xgroupCreate(key("in"), "workers", new StreamEntryID(0, 0), true);
        read("ghost", 1);
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> redis.xpending(key("in"),
                "workers", XPendingParams.xPendingParams(entry, entry, 1)).get(0).getIdleTime() > claimIdle.toMillis());
        return entry;
    }

    @Test
    void redisFailingRightAfterAClaimCostsTheClaimedEntryNoDelivery() throws Exception {
        // a ghost read the entry once and died: one delivery left of maxDeliveries 2
        Duration claimIdle = Duration.ofSeconds(2);
        StreamEntryID entry = readByAGhostAndIdle(claimIdle);
        AtomicBoolean paused = new AtomicBoolean();
        try (RedisStreamConsumer c = RedisStreamConsumer.builder().uri("redis://127.0.0.1:" + server.port())
                .timeout(Duration.ofMillis(200)).reconnectInterval(Duration.ofMillis(50)).stream(key("in"))
                .group("workers").output(key("out")).pipeline(same("claim-outage")).block(Duration.ofMillis(100))
                .consumer("me").claimIdle(claimIdle).maxDeliveries(2).build()) {
            // Redis stops answering (for longer than the consumer's 200 ms timeout) right after the
            // first claim: the claim's follow-up fails, the entry never reaches the pipeline
            c.afterClaim = () -> {
                if (paused.compareAndSet(false, true)) {
                    try (Jedis admin = new Jedis("127.0.0.1", server.port())) {
                        admin.clientPause(1000, ClientPauseMode.ALL);
                    }
                }
            };
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 1);
            assertTrue(paused.get());
            assertEquals(0, c.stats().deadLettered(), "the claim that failed is no delivery: " + logs);
            // claimed again after the failed claim, and counted once: when it was handed to the pipeline
            assertEquals(1, c.stats().claimed(), "one entry taken over from the ghost: " + logs);
            assertEquals(1, c.stats().read());
        }
        assertEquals(List.of(entry.toString()), redis.xrange(key("out"), "-", "+").stream()
                .map(e -> e.getFields().get("source")).toList(), "its second delivery ran the pipeline");
        assertEquals(0, redis.xlen(key("in") + ":dead"));
    }

    @Test
    void aClaimWhoseReplyIsLostAfterRedisCountedTheDeliveryCostsTheEntryOneDeliveryNotTwo() throws Exception {
        // a ghost read the entry once and died: one delivery left of maxDeliveries 2
        Duration claimIdle = Duration.ofSeconds(2);
        StreamEntryID entry = readByAGhostAndIdle(claimIdle);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Pipeline<String, String> holding = goflow.pipeline("lost-reply-" + test).input(String.class).stage("hold", s -> {
            entered.countDown();
            release.await(30, TimeUnit.SECONDS);
            return s;
        }).build();
        // the command that counts the claim's delivery (an XCLAIM, alone or in a script) reaches
        // Redis and runs, and the connection fails before its reply comes back
        try (ReplyCuttingProxy proxy = new ReplyCuttingProxy(server.port(), "XCLAIM");
                RedisStreamConsumer c = RedisStreamConsumer.builder().uri("redis://127.0.0.1:" + proxy.port())
                        .timeout(Duration.ofSeconds(5)).reconnectInterval(Duration.ofMillis(50)).stream(key("in"))
                        .group("workers").output(key("out")).pipeline(holding)
                        .block(Duration.ofMillis(100)).consumer("me").claimIdle(claimIdle).maxDeliveries(2).build()) {
            c.start();
            try {
                assertTrue(entered.await(30, TimeUnit.SECONDS), "never delivered: " + logs);
                assertTrue(proxy.cut(), "no reply was lost: " + logs);
                assertEquals(2, redis.xpending(key("in"), "workers", XPendingParams.xPendingParams(entry, entry, 1))
                        .get(0).getDeliveredTimes(), "the ghost's delivery and this one, counted once");
            } finally {
                release.countDown();
            }
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 1);
            assertEquals(0, c.stats().deadLettered(), "the lost reply counted a delivery that never happened: "
                    + redis.xrange(key("in") + ":dead", "-", "+").stream().map(e -> e.getFields()).toList());
        }
        assertEquals(List.of(entry.toString()), redis.xrange(key("out"), "-", "+").stream()
                .map(e -> e.getFields().get("source")).toList(), "its second delivery ran the pipeline");
        assertEquals(0, redis.xlen(key("in") + ":dead"));
    }

    @Test
    void anEntryDeletedFromTheStreamWhileItIsClaimedIsAcknowledgedNotDelivered() throws Exception {
        StreamEntryID entry = redis.xadd(key("in"), StreamEntryID.NEW_ENTRY, Map.of("data", "gone"));
        redis.xgroupCreate(key("in"), "workers", new StreamEntryID(0, 0), true);
        read("ghost", 1);
        Duration claimIdle = Duration.ofMillis(200);
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> redis.xpending(key("in"),
                "workers", XPendingParams.xPendingParams(entry, entry, 1)).get(0).getIdleTime() > claimIdle.toMillis());
        AtomicBoolean deleted = new AtomicBoolean();
        try (RedisStreamConsumer c = consumer(same("deleted")).consumer("me").claimIdle(claimIdle).build()) {
            c.afterClaim = () -> { // between the XAUTOCLAIM and the claim's counting step
                if (deleted.compareAndSet(false, true)) {
                    redis.xdel(key("in"), entry);
                }
            };
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> deleted.get() && c.stats().pending() == 0);
            assertEquals(0, c.stats().read());
            assertEquals(0, c.stats().deadLettered());
        }
        assertEquals(0, redis.xlen(key("out")));
    }

    @Test
    void aDeadLetterWriteThatFailsLeavesTheRestOfItsBatchToThePipelineNotToAClaim() throws Exception {
        redis.set(key("in") + ":dead", "not a stream"); // every dead-letter write fails (WRONGTYPE)
        redis.xadd(key("in"), StreamEntryID.NEW_ENTRY, Map.of("payload", "no data field"));
        produce(key("in"), 5, "item-");
        try (RedisStreamConsumer c = consumer(same("dead-fails")).consumer("me").claimIdle(Duration.ofMinutes(10))
                .build()) {
            c.start();
            // the entries read in the same batch as the one that could not be dead-lettered are not left
            // pending for claimIdle (10 min), each with a delivery counted that never ran
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 5);
            assertEquals(0, c.stats().claimed());
            assertTrue(logged("WARNING", "WRONGTYPE"), "the failed dead-letter write is logged: " + logs);
        }
        assertEquals(5, redis.xlen(key("out")));
        assertEquals(1, redis.xpending(key("in"), "workers").getTotal(), "the entry that could not be dead-lettered");
    }

    @Test
    void anEntryWhoseFieldIsNotUtf8IsDeadLetteredAtOnceWithItsBytesAndTheRestFlowsOn() throws Exception {
        byte[] in = key("in").getBytes(StandardCharsets.UTF_8);
        byte[] bad = {'o', 'k', (byte) 0xC3, (byte) 0x28, (byte) 0xFF};
        produce(key("in"), 2, "item-");
        redis.xadd(in, XAddParams.xAddParams(), Map.of("data".getBytes(StandardCharsets.UTF_8), bad));
        produce(key("in"), 2, "more-");
        List<String> seen = new CopyOnWriteArrayList<>();
        Pipeline<String, String> p = goflow.pipeline("utf8-" + test).input(String.class).stage("same", s -> {
            seen.add(s);
            return s;
        }).build();
        try (RedisStreamConsumer c = consumer(p).build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 5);
            assertEquals(1, c.stats().deadLettered());
            assertEquals(0, c.stats().failed());
            assertEquals(0, c.stats().pending());
        }
        // entries run concurrently (maxInFlight): their order through the pipeline is not the stream's
        assertEquals(List.of("item-0", "item-1", "more-0", "more-1"), seen.stream().sorted().toList(),
                "the pipeline got no mangled text");
        assertEquals(4, redis.xlen(key("out")));
        Map<String, byte[]> f = theOneDeadLetter();
        assertEquals("the field 'data' is not valid UTF-8 text", new String(f.get("error"), StandardCharsets.UTF_8));
        assertEquals("-", new String(f.get("stage"), StandardCharsets.UTF_8));
        assertTrue(java.util.Arrays.equals(bad, f.get("data")), "the entry's bytes are kept as they were");
    }

    @Test
    void anEntryWhoseFieldIsNotUtf8ClaimedFromAConsumerThatDiedIsDeadLetteredWithItsBytes() throws Exception {
        byte[] bad = {(byte) 0xFE, 'x', (byte) 0x80};
        StreamEntryID entry = redis.xadd(key("in"), StreamEntryID.NEW_ENTRY, Map.of("data", "first"));
        redis.xadd(key("in").getBytes(StandardCharsets.UTF_8), XAddParams.xAddParams(),
                Map.of("data".getBytes(StandardCharsets.UTF_8), bad));
        redis.xgroupCreate(key("in"), "workers", new StreamEntryID(0, 0), true);
        read("ghost", 2); // and died
        Duration claimIdle = Duration.ofMillis(200);
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> redis.xpending(key("in"),
                "workers", XPendingParams.xPendingParams(entry, entry, 1)).get(0).getIdleTime() > claimIdle.toMillis());
        List<String> seen = new CopyOnWriteArrayList<>();
        Pipeline<String, String> p = goflow.pipeline("utf8-claim-" + test).input(String.class).stage("same", s -> {
            seen.add(s);
            return s;
        }).build();
        try (RedisStreamConsumer c = consumer(p).consumer("me").claimIdle(claimIdle).build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 2);
            assertEquals(1, c.stats().deadLettered());
            assertEquals(2, c.stats().claimed());
        }
        assertEquals(List.of("first"), seen);
        Map<String, byte[]> f = theOneDeadLetter();
        assertEquals("the field 'data' is not valid UTF-8 text", new String(f.get("error"), StandardCharsets.UTF_8));
        assertEquals("2", new String(f.get("deliveries"), StandardCharsets.UTF_8), "the ghost's and this claim's");
        assertTrue(java.util.Arrays.equals(bad, f.get("data")), "the entry's bytes are kept as they were");
    }

    private List<StreamEntry> read(String who, int count) {
        return redis.xreadGroup("workers", who, XReadGroupParams.xReadGroupParams().count(count),
                Map.of(key("in"), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY)).get(0).getValue();
    }

    @Test
    void aConsumerWhosePipelineWasClosedSaysItIsNotRunning() {
        produce(key("in"), 5, "item-");
        Pipeline<String, String> p = same("closed");
        try (RedisStreamConsumer c = consumer(p).build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 5);
            assertTrue(c.stats().running());
            p.close();
            Awaitility.await().atMost(WAIT).until(() -> !c.stats().running());
        }
    }

    @Test
    void aResultWhoseEntryAnotherConsumerAcknowledgedMeanwhileIsNeitherWrittenNorCountedAgain() throws Exception {
        StreamEntryID slow = redis.xadd(key("in"), StreamEntryID.NEW_ENTRY, Map.of("data", "slow"));
        StreamEntryID fast = redis.xadd(key("in"), StreamEntryID.NEW_ENTRY, Map.of("data", "fast"));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Pipeline<String, String> stalling = goflow.pipeline("stalling-" + test).input(String.class).stage("stall", s -> {
            if (s.equals("slow")) {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return s;
        }).build();
        try (RedisStreamConsumer c = consumer(stalling).consumer("staller").build()) {
            c.start();
            assertTrue(entered.await(30, TimeUnit.SECONDS));
            // it stalled past claimIdle: another consumer claimed the entry, wrote its result and acknowledged it
            redis.xclaimJustId(key("in"), "workers", "other", 0, XClaimParams.xClaimParams(), slow);
            redis.xack(key("in"), "workers", slow);
            release.countDown();
            Awaitility.await().atMost(WAIT).until(() -> redis.xrange(key("out"), "-", "+").stream()
                    .anyMatch(e -> e.getFields().get("source").equals(fast.toString())));
            assertEquals(1, c.stats().acknowledged(), "only the entry this consumer acknowledged");
            assertEquals(0, c.stats().pending());
        }
        assertEquals(List.of(fast.toString()), redis.xrange(key("out"), "-", "+").stream()
                .map(e -> e.getFields().get("source")).toList(), "no second result for the entry acknowledged elsewhere");
    }

    @Test
    void durationsThatAreNullOrTooLongForTheClockAreRejectedNamingTheField() {
        for (Duration wrong : new Duration[] {null, Duration.ofDays(366), Duration.ofDays(200_000),
                Duration.ofSeconds(Long.MAX_VALUE)}) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> RedisStreamConsumer.builder(redis).claimIdle(wrong), String.valueOf(wrong));
            assertEquals("claimIdle", e.field());
            assertEquals("must be from 10 ms to 365 days", e.rule());
            e = assertThrows(InvalidConfigException.class, () -> RedisStreamConsumer.builder(redis).block(wrong),
                    String.valueOf(wrong));
            assertEquals("block", e.field());
            assertEquals("must be from 1 ms to 1 s", e.rule());
        }
        assertEquals("claimIdle", assertThrows(InvalidConfigException.class,
                () -> RedisStreamConsumer.builder(redis).claimIdle(Duration.ofMillis(9))).field());
        RedisStreamConsumer.builder(redis).claimIdle(Duration.ofDays(365)).block(Duration.ofSeconds(1));
    }

    @Test
    void closeDuringAnOutageWakesTheReaderInsteadOfWaitingForItsReconnectInterval() throws Exception {
        produce(key("in"), 1, "item-");
        RedisStreamConsumer c = consumer(same("outage")).reconnectInterval(Duration.ofMinutes(1)).build();
        try {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 1);
            server.kill();
            // logged once per outage, just before the reader pauses for reconnectInterval
            Awaitility.await().atMost(WAIT).until(() -> logged("WARNING", "cannot read " + key("in")));
            CountDownLatch closed = new CountDownLatch(1);
            Thread closer = new Thread(() -> {
                c.close(Duration.ofSeconds(30));
                closed.countDown();
            }, "closer");
            closer.start();
            assertTrue(closed.await(15, TimeUnit.SECONDS), "close() waits neither the grace (30 s) nor the"
                    + " reconnect interval (1 min)");
            assertFalse(c.stats().running());
        } finally {
            c.close(Duration.ZERO);
            server.restart();
            redis.close(); // its pooled connections died with the server
            redis = server.client();
        }
    }

    @Test
    void closeThatGivesUpOnAStageIgnoringInterruptsNamesItsThreadsInAWarning() throws Exception {
        produce(key("in"), 1, "deaf-");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Pipeline<String, String> deaf = goflow.pipeline("deaf-" + test).input(String.class).stage("deaf", s -> {
            entered.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (release.getCount() > 0 && System.nanoTime() - deadline < 0) {
                try {
                    release.await(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException ignored) {
                    // deaf to interrupts
                }
            }
            return s;
        }).build();
        RedisStreamConsumer c = consumer(deaf).build();
        try {
            c.start();
            assertTrue(entered.await(30, TimeUnit.SECONDS));
            c.close(Duration.ofMillis(200));
            assertTrue(logged("WARNING", "goflow-pipeline-deaf-" + test + "-",
                    RedisStreamConsumerFaultTest.class.getName()), String.valueOf(logs));
            assertFalse(c.stats().running());
        } finally {
            release.countDown();
        }
        assertEquals(1, redis.xpending(key("in"), "workers").getTotal(), "the stuck entry stays pending");
    }

    /** A pipeline result whose text cannot be had. */
    private static Object textless(String input) {
        if (input.equals("throws")) {
            return new Object() {
                @Override
                public String toString() {
                    throw new IllegalStateException("no text for you");
                }
            };
        }
        if (input.equals("errs")) {
            return new Object() {
                @Override
                public String toString() {
                    throw new StackOverflowError("a toString() calling itself");
                }
            };
        }
        if (input.equals("null")) {
            return new Object() {
                @Override
                public String toString() {
                    return null;
                }
            };
        }
        return input;
    }

    @Test
    void aResultWithoutTextFailsItsEntryAloneAndTheConsumerGoesOn() {
        for (String s : new String[] {"a", "throws", "b", "null", "c"}) {
            redis.xadd(key("in"), StreamEntryID.NEW_ENTRY, Map.of("data", s));
        }
        Pipeline<String, Object> p = goflow.pipeline("textless-" + test).input(String.class)
                .stage("wrap", RedisStreamConsumerFaultTest::textless).build();
        try (RedisStreamConsumer c = consumer(p).maxDeliveries(1).build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 5);
            assertEquals(2, c.stats().failed());
            assertEquals(2, c.stats().deadLettered());
            assertEquals(0, c.stats().pending());
        }
        assertEquals(List.of("a", "b", "c"), redis.xrange(key("out"), "-", "+").stream()
                .map(e -> e.getFields().get("data")).toList());
        List<StreamEntry> dead = redis.xrange(key("in") + ":dead", "-", "+");
        assertEquals(List.of("throws", "null"), dead.stream().map(e -> e.getFields().get("data")).toList());
        assertTrue(dead.get(0).getFields().get("error").contains("IllegalStateException: no text for you"),
                dead.get(0).getFields().toString());
        assertTrue(dead.get(1).getFields().get("error").contains("null"), dead.get(1).getFields().toString());
        assertFalse(logged("WARNING", "run ended"), "the run was never torn down: " + logs);
    }

    @Test
    void aResultWhoseToStringThrowsAnErrorFailsItsEntryAloneAndTheRunGoesOn() {
        for (String s : new String[] {"a", "errs", "b", "c"}) {
            redis.xadd(key("in"), StreamEntryID.NEW_ENTRY, Map.of("data", s));
        }
        Pipeline<String, Object> p = goflow.pipeline("erring-text-" + test).input(String.class)
                .stage("wrap", RedisStreamConsumerFaultTest::textless).build();
        // claimIdle 30 s: an entry dropped by an ended run would only come back after the wait
        try (RedisStreamConsumer c = consumer(p).maxDeliveries(1).build()) {
            c.start();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> c.stats().acknowledged() == 4);
            assertEquals(1, c.stats().failed());
            assertEquals(1, c.stats().deadLettered());
            assertEquals(0, c.stats().pending());
        }
        assertEquals(List.of("a", "b", "c"), redis.xrange(key("out"), "-", "+").stream()
                .map(e -> e.getFields().get("data")).toList());
        List<StreamEntry> dead = redis.xrange(key("in") + ":dead", "-", "+");
        assertEquals(List.of("errs"), dead.stream().map(e -> e.getFields().get("data")).toList());
        assertTrue(dead.get(0).getFields().get("error").contains("StackOverflowError"), dead.get(0).getFields().toString());
        assertFalse(logged("WARNING", "run ended"), "the run was torn down: " + logs);
    }

    @Test
    void closeLetsTheEntriesAlreadyReadFinishNotOnlyThoseInTheRun() throws Exception {
        produce(key("in"), 8, "read-");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Pipeline<String, String> holding = goflow.pipeline("read-ahead-" + test).input(String.class).stage("hold", s -> {
            entered.countDown();
            release.await(30, TimeUnit.SECONDS);
            return s;
        }).build();
        // one read takes all 8; the run (1 worker, buffer 1) holds a few, the others wait their turn
        RedisStreamConsumer c = consumer(holding).batch(8).maxInFlight(8).concurrency(1).buffer(1).build();
        c.start();
        assertTrue(entered.await(30, TimeUnit.SECONDS), "never delivered: " + logs);
        Awaitility.await().atMost(WAIT).until(() -> c.stats().read() == 8);
        Thread closer = new Thread(() -> c.close(Duration.ofSeconds(20)), "closer");
        closer.start();
        Awaitility.await().atMost(WAIT).until(() -> !c.stats().running());
        release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(closer.isAlive());
        assertEquals(8, c.stats().acknowledged(), "the entries read were left for a claim, a delivery counted: "
                + redis.xpending(key("in"), "workers", XPendingParams.xPendingParams("-", "+", 10)).stream()
                        .map(e -> e.getID() + " delivered " + e.getDeliveredTimes()).toList());
        assertEquals(0, redis.xpending(key("in"), "workers").getTotal());
        assertEquals(8, redis.xlen(key("out")));
    }

    @Test
    void aStageErrorWithoutTextFailsItsEntryAloneAndTheRunGoesOn() {
        for (String s : new String[] {"a", "mute", "b", "silent", "c"}) {
            redis.xadd(key("in"), StreamEntryID.NEW_ENTRY, Map.of("data", s));
        }
        // the error's text is user code too: its getMessage() (which toString() calls) may throw
        Pipeline<String, String> p = goflow.pipeline("mute-error-" + test).input(String.class).stage("judge", s -> {
            if (s.equals("mute")) {
                throw new IllegalArgumentException() {
                    @Override
                    public String getMessage() {
                        throw new IllegalStateException("no message for you");
                    }
                };
            }
            if (s.equals("silent")) {
                throw new IllegalArgumentException() {
                    @Override
                    public String getMessage() {
                        throw new StackOverflowError("a getMessage() calling itself");
                    }
                };
            }
            return s;
        }).build();
        // claimIdle 30 s: an entry dropped by an ended run would only come back after the wait
        try (RedisStreamConsumer c = consumer(p).maxDeliveries(1).build()) {
            c.start();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> c.stats().acknowledged() == 5);
            assertEquals(2, c.stats().failed());
            assertEquals(2, c.stats().deadLettered());
            assertEquals(0, c.stats().pending());
        }
        assertEquals(List.of("a", "b", "c"), redis.xrange(key("out"), "-", "+").stream()
                .map(e -> e.getFields().get("data")).toList());
        List<StreamEntry> dead = redis.xrange(key("in") + ":dead", "-", "+");
        assertEquals(List.of("mute", "silent"), dead.stream().map(e -> e.getFields().get("data")).toList());
        assertEquals(List.of("judge", "judge"), dead.stream().map(e -> e.getFields().get("stage")).toList());
        assertTrue(dead.get(0).getFields().get("error").contains("IllegalStateException"), dead.get(0).getFields().toString());
        assertTrue(dead.get(1).getFields().get("error").contains("StackOverflowError"), dead.get(1).getFields().toString());
        assertFalse(logged("WARNING", "run ended"), "the run was torn down: " + logs);
    }

    @Test
    void aCloseGraceThatIsNullOrNegativeIsRejectedNamingItBeforeAnythingIsClosed() {
        produce(key("in"), 1, "grace-");
        try (RedisStreamConsumer c = RedisStreamConsumer.builder().uri("redis://127.0.0.1:" + server.port())
                .stream(key("in")).group("workers").output(key("out")).pipeline(same("grace"))
                .block(Duration.ofMillis(100)).build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 1);
            for (Duration grace : new Duration[] {null, Duration.ofMillis(-1)}) {
                InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> c.close(grace));
                assertEquals("grace", e.field());
                assertEquals(grace, e.value());
                assertTrue(c.stats().running(), "a refused close stopped the consumer half-way: " + grace);
            }
            produce(key("in"), 1, "grace-");
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 2);
        }
        assertEquals(2, redis.xlen(key("out")));
    }

    @Test
    void startAfterCloseSaysTheConsumerIsClosedNotThatItWasStarted() {
        RedisStreamConsumer c = consumer(same("closed-first")).build();
        c.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, c::start);
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        assertFalse(redis.exists(key("in")), "a closed consumer created its group");
    }

    /** Whether {@code t} is waiting inside close() for the run to end. */
    private static boolean waitingInClose(Thread t) {
        return t.getState() == Thread.State.TIMED_WAITING && java.util.Arrays.stream(t.getStackTrace())
                .anyMatch(f -> f.getClassName().equals(RedisStreamConsumer.class.getName())
                        && f.getMethodName().equals("awaitEnd"));
    }

    @Test
    void closeFromAThreadThatAStageStartedWaitsForTheRunAsAnOutsideCloseDoes() throws Exception {
        produce(key("in"), 1, "spawn-");
        AtomicReference<RedisStreamConsumer> self = new AtomicReference<>();
        AtomicReference<Thread> spawned = new AtomicReference<>();
        AtomicBoolean closeReturned = new AtomicBoolean();
        AtomicReference<Long> acknowledgedWhenCloseReturned = new AtomicReference<>();
        Pipeline<String, String> spawning = goflow.pipeline("spawning-" + test).input(String.class).stage("spawn", s -> {
            // a thread of the stage's own (it joins the stage thread's group), not of the consumer
            Thread t = new Thread(() -> {
                self.get().close(); // the default grace: 30 s
                acknowledgedWhenCloseReturned.set(self.get().stats().acknowledged());
                closeReturned.set(true);
            }, "started-by-a-stage");
            spawned.set(t);
            t.start();
            // this entry finishes once close() either returned or waits for the run
            Awaitility.await().atMost(WAIT).until(() -> closeReturned.get() || waitingInClose(t));
            return s;
        }).build();
        try (RedisStreamConsumer c = consumer(spawning).build()) {
            self.set(c);
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> spawned.get() != null);
            spawned.get().join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(spawned.get().isAlive());
            assertEquals(1L, acknowledgedWhenCloseReturned.get(), "close() from a thread that is not the consumer's"
                    + " returned before the run it had to wait for had finished its entry");
            assertFalse(c.stats().running());
        }
        assertEquals(1, redis.xlen(key("out")));
        assertFalse(logged("WARNING", "giving up"), String.valueOf(logs));
    }

    @Test
    void aClosedConsumerLeavesNoThreadGroupBehind() throws Exception {
        produce(key("in"), 1, "group-");
        String name = "grouped-" + test;
        try (RedisStreamConsumer c = consumer(same("grouped")).consumer(name).build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 1);
        }
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        ThreadGroup[] groups = new ThreadGroup[root.activeGroupCount() + 64];
        int n = root.enumerate(groups, true);
        for (int i = 0; i < n; i++) {
            assertFalse(groups[i].getName().contains(name), "left behind: " + groups[i]);
        }
    }

    @Test
    void closeFromAStageOfThePipelineDoesNotWaitForThatStage() throws Exception {
        produce(key("in"), 1, "stop-");
        AtomicReference<RedisStreamConsumer> self = new AtomicReference<>();
        CountDownLatch closed = new CountDownLatch(1);
        Pipeline<String, String> stopping = goflow.pipeline("self-closing-" + test).input(String.class).stage("stop", s -> {
            self.get().close(); // the default grace: 30 s
            closed.countDown();
            return s;
        }).build();
        try (RedisStreamConsumer c = consumer(stopping).build()) {
            self.set(c);
            c.start();
            assertTrue(closed.await(15, TimeUnit.SECONDS), "close() from the stage does not wait the grace (30 s) for itself");
            Awaitility.await().atMost(WAIT).until(() -> !c.stats().running());
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 1);
        }
        assertEquals(1, redis.xlen(key("out")), "the entry whose stage closed the consumer was finished");
        assertFalse(logged("WARNING", "giving up"), String.valueOf(logs));
    }

    /** A consumer named {@code me} on its own connection through {@code proxy}, with one delivery per entry. */
    private RedisStreamConsumerBuilder onceThrough(ReplyCuttingProxy proxy, Pipeline<String, ?> p) {
        return RedisStreamConsumer.builder().uri("redis://127.0.0.1:" + proxy.port()).timeout(Duration.ofSeconds(5))
                .reconnectInterval(Duration.ofMillis(50)).stream(key("in")).group("workers").output(key("out"))
                .pipeline(p).block(Duration.ofMillis(100)).consumer("me").maxDeliveries(1);
    }

    private List<String> outputData() {
        return redis.xrange(key("out"), "-", "+").stream().map(e -> e.getFields().get("data")).toList();
    }

    private List<String> deadLetterIds() {
        return redis.xrange(key("in") + ":dead", "-", "+").stream().map(e -> e.getFields().get("source")).toList();
    }

    @Test
    void aReadWhoseReplyIsLostHandsItsEntriesToThePipelineCountedOnce() throws Exception {
        produce(key("in"), 3, "lost-");
        // the first XREADGROUP reaches Redis, which delivers the three entries (counting one delivery
        // each), and its reply never comes back
        try (ReplyCuttingProxy proxy = new ReplyCuttingProxy(server.port(), "XREADGROUP");
                RedisStreamConsumer c = onceThrough(proxy, same("lost-read")).claimIdle(Duration.ofSeconds(1))
                        .build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 3);
            assertTrue(proxy.cut(), "no reply was lost: " + logs);
            assertEquals(0, c.stats().deadLettered(), "dead-lettered unrun, one delivery counted twice: "
                    + redis.xrange(key("in") + ":dead", "-", "+").stream().map(e -> e.getFields()).toList());
            assertEquals(3, c.stats().read());
            assertEquals(0, c.stats().claimed(), "taken back as the read it was, not claimed");
        }
        assertEquals(List.of("lost-0", "lost-1", "lost-2"), outputData());
    }

    @Test
    void aLostReadDoesNotTakeBackWhatAPreviousLifeOfTheConsumerLeftPending() throws Exception {
        redis.xgroupCreate(key("in"), "workers", new StreamEntryID(0, 0), true);
        produce(key("in"), 1, "old-");
        StreamEntryID old = read("me", 1).get(0).getID(); // a process named "me" read it and died
        produce(key("in"), 1, "new-");
        try (ReplyCuttingProxy proxy = new ReplyCuttingProxy(server.port(), "XREADGROUP");
                RedisStreamConsumer c = onceThrough(proxy, same("previous-life")).claimIdle(Duration.ofSeconds(1))
                        .build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 2);
            assertTrue(proxy.cut(), "no reply was lost: " + logs);
        }
        assertEquals(List.of("new-0"), outputData(), "the lost read's entry ran; the old one had its one delivery");
        assertEquals(List.of(old.toString()), deadLetterIds());
    }

    @Test
    void aClaimThatFailedIsSettledBeforeALostReadIsSoItsEntriesAreNotTakenForTheRead() throws Exception {
        redis.xgroupCreate(key("in"), "workers", new StreamEntryID(0, 0), true);
        produce(key("in"), 1, "first-");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Pipeline<String, String> holding = goflow.pipeline("settle-" + test).input(String.class).stage("hold", s -> {
            if (s.startsWith("first-")) {
                entered.countDown();
                release.await(30, TimeUnit.SECONDS);
            }
            return s;
        }).build();
        AtomicBoolean failClaim = new AtomicBoolean();
        Duration claimIdle = Duration.ofMillis(500);
        try (ReplyCuttingProxy proxy = new ReplyCuttingProxy(server.port(), "XREADGROUP", false);
                RedisStreamConsumer c = onceThrough(proxy, holding).claimIdle(claimIdle).maxInFlight(1).build()) {
            // the claim after the first entry took the ghost's entry over (XAUTOCLAIM ran) and failed
            // before counting it; the read after it loses its reply
            c.afterClaim = () -> {
                if (failClaim.compareAndSet(true, false)) {
                    proxy.arm();
                    throw new IllegalStateException("test: Redis failed after the claim's XAUTOCLAIM");
                }
            };
            c.start();
            assertTrue(entered.await(30, TimeUnit.SECONDS), "never delivered: " + logs);
            // while the consumer is full (maxInFlight 1), a ghost reads the next entry once and dies
            produce(key("in"), 1, "ghost-");
            StreamEntryID ghost = read("ghost", 1).get(0).getID();
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> redis.xpending(key("in"),
                    "workers", XPendingParams.xPendingParams(ghost, ghost, 1)).get(0).getIdleTime()
                    > claimIdle.toMillis() + 100);
            failClaim.set(true);
            release.countDown();
            Awaitility.await().atMost(WAIT).until(() -> proxy.cut()
                    && c.stats().acknowledged() == 2);
            assertEquals(1, c.stats().deadLettered(), "the ghost's entry had its one delivery: " + logs);
            assertEquals(List.of(ghost.toString()), deadLetterIds());
        }
        assertEquals(List.of("first-0"), outputData());
    }

    @Test
    void aReadWhoseReplyTimedOutIsHandedToThePipelineEvenWhenTheConsumerIsClosedBeforeItTriesAgain()
            throws Exception {
        produce(key("in"), 3, "late-");
        // the first XREADGROUP runs in Redis (the three entries delivered, one count each) and its reply
        // never comes: the read times out, and the consumer waits reconnectInterval (1 min) to try again
        try (ReplyCuttingProxy proxy = new ReplyCuttingProxy(server.port(), "XREADGROUP")) {
            proxy.keepReplyBack();
            RedisStreamConsumer c = onceThrough(proxy, same("closed-unsettled")).timeout(Duration.ofMillis(200))
                    .reconnectInterval(Duration.ofMinutes(1)).claimIdle(Duration.ofMinutes(5)).build();
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> logged("WARNING", "cannot read", "timed out"));
            assertTrue(proxy.cut(), "no reply was lost: " + logs);
            c.close(); // closed while it waits to try again
            assertEquals(List.of("late-0", "late-1", "late-2"), outputData(),
                    "read, and left pending for another consumer to claim as a second delivery: " + logs);
            assertEquals(0, redis.xpending(key("in"), "workers").getTotal());
            assertEquals(3, c.stats().read());
        }
    }
}
