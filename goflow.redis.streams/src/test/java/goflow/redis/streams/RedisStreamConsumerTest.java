package goflow.redis.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.pipeline.Pipeline;
import goflow.impl.GoFlowImpl;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/** The consumer on a real redis-server: delivery, acknowledgement, dead letters, claims and the read-ahead bound. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisStreamConsumerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration CLAIM_IDLE = Duration.ofMillis(100);
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
        return "{t" + test + "}:" + what;
    }

    private void produce(String stream, int n, java.util.function.IntFunction<String> data) {
        for (int i = 0; i < n; i++) {
            redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("data", data.apply(i)));
        }
    }

    private RedisStreamConsumerBuilder consumer(Pipeline<String, ?> p) {
        return RedisStreamConsumer.builder(redis).stream(key("in")).group("workers").output(key("out")).pipeline(p)
                .block(Duration.ofMillis(100));
    }

    /** source id -> how many results name it. */
    private Map<String, Integer> sources(String stream) {
        Map<String, Integer> seen = new HashMap<>();
        for (StreamEntry e : redis.xrange(stream, "-", "+")) {
            seen.merge(e.getFields().get("source"), 1, Integer::sum);
        }
        return seen;
    }

    @Test
    void everyEntryIsProcessedOnceAcknowledgedAndItsResultAppended() {
        produce(key("in"), 500, i -> "item-" + i);
        Pipeline<String, String> upper = goflow.pipeline("upper-" + test).input(String.class).stage("upper", s -> s.toUpperCase())
                .build();
        try (RedisStreamConsumer c = consumer(upper).consumer("c1").build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 500);
            RedisStreamStats s = c.stats();
            assertEquals(500, s.read());
            assertEquals(0, s.pending(), "every entry acknowledged");
            assertEquals(0, s.failed());
            assertEquals(0, s.deadLettered());
        }
        List<StreamEntry> out = redis.xrange(key("out"), "-", "+");
        assertEquals(500, out.size());
        Map<String, Integer> seen = sources(key("out"));
        assertEquals(500, seen.size(), "one result per entry");
        assertTrue(seen.values().stream().allMatch(n -> n == 1));
        assertEquals("ITEM-0", out.get(0).getFields().get("data"), "results in the order entries were read");
        assertEquals("ITEM-499", out.get(499).getFields().get("data"));
    }

    @Test
    void aPoisonEntryGoesToTheDeadLetterStreamWithItsErrorAfterNDeliveriesAndTheRestFlowsOn() {
        produce(key("in"), 100, i -> i % 25 == 7 ? "poison-" + i : "item-" + i);
        AtomicLong poisonTries = new AtomicLong();
        Pipeline<String, String> picky = goflow.pipeline("picky-" + test).input(String.class).stage("check", s -> {
            if (s.startsWith("poison")) {
                poisonTries.incrementAndGet();
                throw new IllegalArgumentException("cannot digest " + s);
            }
            return s;
        }).build();
        try (RedisStreamConsumer c = consumer(picky).maxDeliveries(3).claimIdle(Duration.ofMillis(100)).build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 100);
            RedisStreamStats s = c.stats();
            assertEquals(4, s.deadLettered());
            assertEquals(12, s.failed(), "3 deliveries of each of the 4 poison entries failed");
            assertEquals(8, s.claimed(), "each poison entry was claimed back twice");
            assertEquals(0, s.pending());
        }
        assertEquals(12, poisonTries.get());
        assertEquals(96, redis.xlen(key("out")));
        List<StreamEntry> dead = redis.xrange(key("in") + ":dead", "-", "+");
        assertEquals(4, dead.size());
        for (StreamEntry d : dead) {
            Map<String, String> f = d.getFields();
            assertTrue(f.get("data").startsWith("poison-"), f.toString());
            assertTrue(f.get("error").contains("IllegalArgumentException: cannot digest " + f.get("data")), f.toString());
            assertEquals("check", f.get("stage"));
            assertEquals("3", f.get("deliveries"));
            assertTrue(f.get("source").matches("\\d+-\\d+"), f.toString());
        }
    }

    @Test
    void theEntriesOfAConsumerThatDiedAreClaimedByAnother() {
        produce(key("in"), 50, i -> "item-" + i);
        redis.xgroupCreate(key("in"), "workers", new StreamEntryID(0, 0), true);
        // a consumer reads 30 entries and dies before finishing them
        List<Map.Entry<String, List<StreamEntry>>> taken = redis.xreadGroup("workers", "dead-one",
                XReadGroupParams.xReadGroupParams().count(30), Map.of(key("in"), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        assertEquals(30, taken.get(0).getValue().size());
        Pipeline<String, String> same = goflow.pipeline("same-" + test).input(String.class).stage("same", s -> s).build();
        try (RedisStreamConsumer c = consumer(same).consumer("alive").claimIdle(Duration.ofMillis(200)).build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 50);
            assertEquals(30, c.stats().claimed());
            assertEquals(0, c.stats().pending());
        }
        Map<String, Integer> seen = sources(key("out"));
        assertEquals(50, seen.size());
        assertTrue(seen.values().stream().allMatch(n -> n == 1));
    }

    @Test
    void aSlowPipelineReadsNoMoreThanMaxInFlightAhead() {
        produce(key("in"), 200, i -> "item-" + i);
        Pipeline<String, String> slow = goflow.pipeline("slow-" + test).input(String.class).stage("slow", s -> {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            return s;
        }).build();
        long most = 0;
        Set<Long> seen = new HashSet<>();
        try (RedisStreamConsumer c = consumer(slow).maxInFlight(8).batch(4).concurrency(1).buffer(2).build()) {
            c.start();
            while (c.stats().acknowledged() < 200) {
                RedisStreamStats s = c.stats();
                most = Math.max(most, s.pending());
                seen.add(s.pending());
                assertTrue(s.inFlight() <= 8, "in flight " + s.inFlight());
            }
        }
        assertTrue(most <= 8, "read but unacknowledged at most 8; saw " + most);
        assertTrue(most >= 2, "the pipeline was kept busy: " + seen);
    }

    @Test
    void aConsumerListedInAGoFlowIsAStreamConsumerPrimitiveUntilClosed() {
        produce(key("in"), 10, i -> "item-" + i);
        Pipeline<String, String> same = goflow.pipeline("listed-" + test).input(String.class).stage("same", s -> s)
                .build();
        RedisStreamConsumer c = consumer(same).name("orders-consumer").listIn(goflow).build();
        c.start();
        Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 10);
        PrimitiveInfo row = goflow.registry().snapshot().stream()
                .filter(r -> r.name().equals("orders-consumer")).findFirst().orElseThrow();
        assertEquals(Primitive.Kind.STREAM_CONSUMER, row.kind());
        assertEquals(10L, row.stats().toMap().get("acknowledged"));
        InvalidConfigException taken = assertThrows(InvalidConfigException.class,
                () -> consumer(same).name("orders-consumer").listIn(goflow).build());
        assertEquals("name", taken.field());
        c.close();
        assertTrue(goflow.registry().find("orders-consumer").isEmpty(), "closing removes the listing");
    }

    @Test
    void theBuilderNamesTheFieldValueAndRule() {
        Pipeline<String, String> p = goflow.pipeline("checks-" + test).input(String.class).stage("s", s -> s).build();
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> RedisStreamConsumer.builder(redis).batch(0));
        assertEquals("batch", e.field());
        e = assertThrows(InvalidConfigException.class, () -> RedisStreamConsumer.builder(redis).stream("a b"));
        assertEquals("stream", e.field());
        e = assertThrows(InvalidConfigException.class, () -> RedisStreamConsumer.builder(redis).block(Duration.ofSeconds(5)));
        assertEquals("block", e.field());
        e = assertThrows(InvalidConfigException.class,
                () -> RedisStreamConsumer.builder(redis).stream("x").group("g").output("x").pipeline(p).build());
        assertEquals("output", e.field());
        e = assertThrows(InvalidConfigException.class,
                () -> RedisStreamConsumer.builder(redis).stream("x").output("y").pipeline(p).build());
        assertEquals("group", e.field());
    }

    @Test
    void aDeadLetterStreamThatIsTheStreamReadIsRejectedNamingDeadLetter() {
        // dead letters appended to the stream read would be read again, fail again and be appended
        // again: a poison entry would go round for ever and the stream grow without end
        Pipeline<String, String> p = goflow.pipeline("dead-loop-" + test).input(String.class).stage("s", s -> s).build();
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> RedisStreamConsumer.builder(redis)
                .stream("{d}:in").group("g").output("{d}:out").deadLetter("{d}:in").pipeline(p).build());
        assertEquals("deadLetter", e.field());
        assertEquals("{d}:in", e.value());
        assertTrue(e.getMessage().contains("must differ from the stream read"), e.getMessage());
    }

    @Test
    void aDeadLetterStreamThatIsTheOutputIsRejectedNamingDeadLetter() {
        // a dead letter (source, error, stage, deliveries and the input) among the results would reach
        // the output's readers as one more result
        Pipeline<String, String> p = goflow.pipeline("dead-out-" + test).input(String.class).stage("s", s -> s).build();
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> RedisStreamConsumer.builder(redis)
                .stream("{d}:in").group("g").output("{d}:out").deadLetter("{d}:out").pipeline(p).build());
        assertEquals("deadLetter", e.field());
        assertEquals("{d}:out", e.value());
        assertTrue(e.getMessage().contains("must differ from the output stream"), e.getMessage());
    }

    /** An ACL user allowed the stream commands, EVAL and the test's keys only. */
    private void aclUser(String name, String password) {
        try (Jedis admin = new Jedis("127.0.0.1", server.port())) {
            admin.aclSetUser(name, "reset", "on", ">" + password, "~{t" + test + "}:*", "+@stream", "+eval", "+ping",
                    "+client|setname");
        }
    }

    private RedisStreamConsumerBuilder connecting(Pipeline<String, ?> p) {
        return RedisStreamConsumer.builder().uri("redis://127.0.0.1:" + server.port()).stream(key("in"))
                .group("workers").output(key("out")).pipeline(p).block(Duration.ofMillis(100));
    }

    @Test
    void anAclUserConsumesThroughTheConsumersOwnConnection() {
        aclUser("streamer-" + test, "s3cret-" + test);
        produce(key("in"), 40, i -> "item-" + i);
        Pipeline<String, String> upper = goflow.pipeline("acl-" + test).input(String.class).stage("upper", s -> s.toUpperCase())
                .build();
        try (RedisStreamConsumer c = connecting(upper).user("streamer-" + test).password(("s3cret-" + test).toCharArray())
                .timeout(Duration.ofSeconds(2)).reconnectInterval(Duration.ofMillis(50)).build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 40);
            assertEquals(0, c.stats().pending());
        }
        assertEquals(40, sources(key("out")).size());
        assertEquals("ITEM-0", redis.xrange(key("out"), "-", "+").get(0).getFields().get("data"));
    }

    @Test
    void theUriCredentialsAreReadAsGoflowRedisReadsThem() {
        // a '+' and an escaped ':' in the password (URLDecoder made the '+' a space and split at the
        // decoded ':'), and a user alone in the URI with the password set apart (it was dropped)
        aclUser("streamer-" + test, "p+w:" + test);
        produce(key("in"), 10, i -> "item-" + i);
        Pipeline<String, String> same = goflow.pipeline("uri-" + test).input(String.class).stage("same", s -> s).build();
        String[] uris = {"redis://streamer-" + test + ":p+w%3A" + test + "@127.0.0.1:" + server.port(),
            "redis://streamer-" + test + "@127.0.0.1:" + server.port()};
        for (int i = 0; i < uris.length; i++) {
            RedisStreamConsumerBuilder b = RedisStreamConsumer.builder().uri(uris[i]).stream(key("in"))
                    .group("workers-" + i).output(key("out")).pipeline(same).block(Duration.ofMillis(100))
                    .timeout(Duration.ofSeconds(2));
            if (i == 1) {
                b = b.password(("p+w:" + test).toCharArray());
            }
            try (RedisStreamConsumer c = b.build()) {
                c.start();
                Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 10);
            }
        }
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> RedisStreamConsumer.builder().uri("redis://127.0.0.1:99999"));
        assertEquals("uri", e.field());
        assertEquals("the port must be from 1 to 65535 (or left out for 6379)", e.rule());
        // a password pasted unescaped, with '@' and '/', or a URI without its scheme or a slash of it:
        // refused, and no part of the password shown
        for (String uri : new String[] {"redis://u:top@secret@127.0.0.1:6379", "redis://u:top/secret@127.0.0.1:6379",
                "u:secret@127.0.0.1:6379", "//u:secret@127.0.0.1:6379", "redis:/u:secret@127.0.0.1:6379"}) {
            InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                    () -> RedisStreamConsumer.builder().uri(uri));
            assertFalse(String.valueOf(refused.value()).contains("secret"), String.valueOf(refused.value()));
            assertFalse(refused.getMessage().contains("secret"), refused.getMessage());
        }
    }

    @Test
    void aWrongPasswordIsRefusedNamingThePropertyAndNotTheValue() {
        aclUser("streamer-" + test, "s3cret-" + test);
        Pipeline<String, String> same = goflow.pipeline("wrongpw-" + test).input(String.class).stage("same", s -> s).build();
        RedisStreamConsumer c = connecting(same).user("streamer-" + test).password("not-the-Pa55word".toCharArray())
                .build();
        try {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, c::start);
            assertEquals("password", e.field());
            assertTrue(e.getMessage().contains("refused") && e.getMessage().contains("streamer-" + test)
                    && e.getMessage().contains("127.0.0.1:" + server.port()), e.getMessage());
            assertTrue(!e.getMessage().contains("not-the-Pa55word"), e.getMessage());
            assertEquals(0, c.stats().read());
        } finally {
            c.close();
        }
        // the URI's credentials are used too, and hidden the same way
        RedisStreamConsumer inUri = RedisStreamConsumer.builder()
                .uri("redis://streamer-" + test + ":wr0ng-in-uri@127.0.0.1:" + server.port()).stream(key("in"))
                .group("workers").output(key("out")).pipeline(same).build();
        try {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, inUri::start);
            assertEquals("password", e.field());
            assertTrue(!e.getMessage().contains("wr0ng-in-uri"), e.getMessage());
        } finally {
            inUri.close();
        }
    }

    @Test
    void theConnectionSettingsAreCheckedAsGoflowRedisChecksThem() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> RedisStreamConsumer.builder().timeout(Duration.ZERO));
        assertEquals("timeout", e.field());
        assertEquals("must be from PT0.001S to PT1M", e.rule());
        e = assertThrows(InvalidConfigException.class, () -> RedisStreamConsumer.builder().timeout(Duration.ofMinutes(2)));
        assertEquals("timeout", e.field());
        e = assertThrows(InvalidConfigException.class,
                () -> RedisStreamConsumer.builder().reconnectInterval(Duration.ofMillis(9)));
        assertEquals("reconnectInterval", e.field());
        assertEquals("must be from PT0.01S to PT1M", e.rule());
        e = assertThrows(InvalidConfigException.class, () -> RedisStreamConsumer.builder().user(""));
        assertEquals("user", e.field());
        e = assertThrows(InvalidConfigException.class, () -> RedisStreamConsumer.builder().password(new char[0]));
        assertEquals("password", e.field());
        e = assertThrows(InvalidConfigException.class, () -> RedisStreamConsumer.builder().uri("http://host"));
        assertEquals("uri", e.field());
        e = assertThrows(InvalidConfigException.class,
                () -> RedisStreamConsumer.builder().uri("redis://u:hidden@127.0.0.1:6379/x"));
        assertEquals("uri", e.field());
        assertTrue(!e.getMessage().contains("hidden"), e.getMessage());
        // on a client the caller made, the connection is the client's
        e = assertThrows(InvalidConfigException.class, () -> RedisStreamConsumer.builder(redis).user("someone"));
        assertEquals("user", e.field());
        e = assertThrows(InvalidConfigException.class, () -> RedisStreamConsumer.builder(redis).timeout(Duration.ofSeconds(1)));
        assertEquals("timeout", e.field());
    }

    @Test
    void consumersBuiltWithoutANameGetDistinctNamesStartingWithTheHostName() throws Exception {
        Pipeline<String, String> same = goflow.pipeline("unnamed-" + test).input(String.class).stage("same", s -> s).build();
        String host = java.net.InetAddress.getLocalHost().getHostName();
        try (RedisStreamConsumer one = consumer(same).build(); RedisStreamConsumer two = consumer(same).build()) {
            assertTrue(one.consumer().startsWith(host + "-"), one.consumer());
            assertTrue(two.consumer().startsWith(host + "-"), two.consumer());
            assertTrue(!one.consumer().equals(two.consumer()), one.consumer() + " and " + two.consumer());
            assertEquals(one.consumer(), one.name(), "the primitive's name defaults to the consumer's");
        }
    }

    @Test
    void anEntryDeliveredMoreThanMaxDeliveriesWithoutAnOutcomeIsDeadLettered() {
        produce(key("in"), 10, i -> "item-" + i);
        redis.xgroupCreate(key("in"), "workers", new StreamEntryID(0, 0), true);
        // a consumer takes the first entry and keeps dying on it: three deliveries, no outcome
        StreamEntry doomed = redis.xreadGroup("workers", "ghost", XReadGroupParams.xReadGroupParams().count(1),
                Map.of(key("in"), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY)).get(0).getValue().get(0);
        for (int i = 0; i < 2; i++) {
            redis.xreadGroup("workers", "ghost", XReadGroupParams.xReadGroupParams().count(1),
                    Map.of(key("in"), new StreamEntryID(0, 0)));
        }
        Set<String> seenByPipeline = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Pipeline<String, String> same = goflow.pipeline("ghosted-" + test).input(String.class).stage("same", s -> {
            seenByPipeline.add(s);
            return s;
        }).build();
        try (RedisStreamConsumer c = consumer(same).consumer("alive").maxDeliveries(3).claimIdle(Duration.ofMillis(100))
                .build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 10);
            assertEquals(1, c.stats().deadLettered());
            assertEquals(0, c.stats().failed(), "no delivery failed in this consumer");
            assertEquals(0, c.stats().pending());
        }
        assertTrue(!seenByPipeline.contains("item-0"), "the entry did not go through the pipeline a fourth time");
        assertEquals(9, redis.xlen(key("out")));
        List<StreamEntry> dead = redis.xrange(key("in") + ":dead", "-", "+");
        assertEquals(1, dead.size());
        Map<String, String> f = dead.get(0).getFields();
        assertEquals(doomed.getID().toString(), f.get("source"));
        assertEquals("item-0", f.get("data"));
        assertEquals("3", f.get("deliveries"), "three by the ghost; the claim that dead-letters it is none");
        assertEquals("delivered 3 times without an outcome (its consumers died or stalled)", f.get("error"));
        assertEquals("-", f.get("stage"));
    }

    @Test
    void anEntryWithoutTheFieldIsDeadLetteredAtOnceAndTheRestFlowsOn() {
        produce(key("in"), 5, i -> "item-" + i);
        StreamEntryID odd = redis.xadd(key("in"), StreamEntryID.NEW_ENTRY, Map.of("payload", "elsewhere"));
        produce(key("in"), 5, i -> "item-" + (5 + i));
        AtomicLong runs = new AtomicLong();
        Pipeline<String, String> same = goflow.pipeline("nofield-" + test).input(String.class).stage("same", s -> {
            runs.incrementAndGet();
            return s;
        }).build();
        try (RedisStreamConsumer c = consumer(same).build()) {
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 11);
            assertEquals(1, c.stats().deadLettered());
            assertEquals(0, c.stats().failed());
            assertEquals(0, c.stats().pending());
        }
        assertEquals(10, runs.get(), "the pipeline saw only the entries with data");
        assertEquals(10, redis.xlen(key("out")));
        List<StreamEntry> dead = redis.xrange(key("in") + ":dead", "-", "+");
        assertEquals(1, dead.size());
        Map<String, String> f = dead.get(0).getFields();
        assertEquals(odd.toString(), f.get("source"));
        assertEquals("the entry has no field 'data'", f.get("error"));
        assertEquals("1", f.get("deliveries"));
        assertTrue(!f.containsKey("data"), f.toString());
    }

    /**
     * A consumer never claims back what it has in flight itself: an entry that takes longer than
     * {@code claimIdle} to get through the pipeline (a slow stage, or a queue behind one) is not
     * delivered a second time to the same consumer, nor counted as a delivery, nor dead-lettered for
     * it. Claims are for the entries of consumers that died or stalled.
     */
    @Test
    void anEntryInFlightLongerThanClaimIdleIsNotClaimedBackByItsOwnConsumer() {
        String in = key("in");
        for (int i = 0; i < 3; i++) {
            redis.xadd(in, StreamEntryID.NEW_ENTRY, Map.of("data", "item-" + i));
        }
        AtomicInteger claimAttempts = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        Pipeline<String, String> slow = goflow.pipeline("slow-first-" + test).input(String.class).stage("slow", s -> {
            runs.incrementAndGet();
            if (s.equals("item-0")) {
                // in flight well past claimIdle, while the reading thread keeps trying to claim:
                // the other two entries wait behind this one, in flight too
                holdThroughClaims(claimAttempts);
            }
            return s;
        }).build();
        try (RedisStreamConsumer c = RedisStreamConsumer.builder(redis).stream(in).group("workers")
                .output(key("out")).pipeline(slow).consumer("c1").block(Duration.ofMillis(20))
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
        assertEquals(3, redis.xlen(key("out")));
        assertEquals(0, redis.xlen(key("in") + ":dead"));
    }

    /**
     * The same while the outcome is being written: the run's output thread has taken the entry
     * from the run and turns its result into text (a slow {@code toString()}) before the script
     * writes it and acknowledges the entry.
     */
    @Test
    void anEntryWhoseOutcomeIsBeingWrittenIsNotClaimedBackByItsOwnConsumer() {
        String in = key("in");
        redis.xadd(in, StreamEntryID.NEW_ENTRY, Map.of("data", "item"));
        AtomicInteger claimAttempts = new AtomicInteger();
        Pipeline<String, Object> slowText = goflow.pipeline("slow-text-" + test).input(String.class).stage("wrap", s -> (Object) new Object() {
            @Override
            public String toString() {
                holdThroughClaims(claimAttempts);
                return s;
            }
        }).build();
        try (RedisStreamConsumer c = RedisStreamConsumer.builder(redis).stream(in).group("workers")
                .output(key("out")).pipeline(slowText).consumer("c1").block(Duration.ofMillis(20))
                .claimIdle(CLAIM_IDLE).maxDeliveries(2).build()) {
            c.afterClaim = claimAttempts::incrementAndGet;
            c.start();
            Awaitility.await().atMost(WAIT).until(() -> c.stats().acknowledged() == 1);
            RedisStreamStats s = c.stats();
            assertEquals(0, s.claimed(), "the consumer claimed back the entry whose outcome it was writing");
            assertEquals(0, s.deadLettered());
            assertEquals(1, s.read());
        }
        assertEquals(1, redis.xlen(key("out")));
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
