package goflow.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.schedule.Lease;
import goflow.api.schedule.LeaseException;
import goflow.api.schedule.LeaseProvider;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.impl.GoFlowImpl;

/**
 * The {@link LeaseProvider} contract on a real redis-server: one holder at a time, fencing tokens
 * that grow with every acquisition, time to live kept by Redis, renew and release that act only for
 * the holder (a node whose lease ran out can neither renew nor release the next holder's), and a
 * store that cannot be reached gives {@link LeaseException}, never a lease. Scripts the server
 * forgot ({@code SCRIPT FLUSH}, a restart) are loaded again by the next call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisLeasesTest {
    @RegisterExtension
    final RedisNodes fleet = new RedisNodes(Duration.ofMillis(500));
    private int test;

    private String name(String what) {
        return "goflow/test/" + what + "-" + (++test);
    }

    /**
     * A provider whose connection was closed answers as a store out of reach ({@code LeaseException},
     * which a scheduler takes as an outage), and a lease it gave out lets go quietly: it runs out.
     */
    @Test
    void aClosedConnectionsProviderAnswersLeaseExceptionAndItsLeasesReleaseQuietly() {
        String name = name("closed");
        RedisConnection conn = fleet.connection("closing", Duration.ofSeconds(2));
        LeaseProvider leases = conn.leases();
        Lease lease = leases.tryAcquire(name, Duration.ofSeconds(30)).orElseThrow();
        conn.close();
        LeaseException acquire = assertThrows(LeaseException.class,
                () -> leases.tryAcquire(name, Duration.ofSeconds(30)));
        assertTrue(acquire.getMessage().contains("closed"), acquire.getMessage());
        assertThrows(LeaseException.class, () -> lease.renew(Duration.ofSeconds(30)));
        lease.release(); // cannot reach Redis: logged, not thrown
        assertTrue(fleet.raw.exists("goflow:lease:{" + name + "}"), "still held in Redis until its time to live");
        fleet.raw.del("goflow:lease:{" + name + "}");
    }

    @Test
    void oneHolderAtATimeAndEachNewHolderGetsAGreaterFencingToken() {
        String name = name("job");
        Lease a = fleet.nodeA.leases().tryAcquire(name, Duration.ofSeconds(30)).orElseThrow();
        assertEquals(Optional.empty(), fleet.nodeB.leases().tryAcquire(name, Duration.ofSeconds(30)), "held by a");
        assertEquals(Optional.empty(), fleet.nodeA.leases().tryAcquire(name, Duration.ofSeconds(30)),
                "held, even for the same provider: a lease is taken once");
        assertTrue(a.renew(Duration.ofSeconds(30)));
        long ttl = fleet.raw.pttl("goflow:lease:{" + name + "}");
        assertTrue(ttl > 29_000 && ttl <= 30_000, "the time to live is kept by Redis: " + ttl);
        a.release();
        assertFalse(fleet.raw.exists("goflow:lease:{" + name + "}"), "released at once");
        Lease b = fleet.nodeB.leases().tryAcquire(name, Duration.ofSeconds(30)).orElseThrow();
        assertTrue(b.fencingToken() > a.fencingToken(), b.fencingToken() + " after " + a.fencingToken());
        assertFalse(a.renew(Duration.ofSeconds(30)), "a released lease is not renewed");
        b.release();
    }

    @Test
    void aHolderWhoseLeaseRanOutCanNeitherRenewNorReleaseTheNextHolders() {
        String name = name("expired");
        Lease a = fleet.nodeA.leases().tryAcquire(name, Duration.ofMillis(50)).orElseThrow();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> fleet.nodeB.leases().tryAcquire(name, Duration.ofSeconds(30)).isPresent());
        assertFalse(a.renew(Duration.ofSeconds(30)), "a's lease ran out and b holds it now");
        a.release(); // must not release b's
        assertTrue(fleet.raw.exists("goflow:lease:{" + name + "}"), "b still holds it");
        assertEquals(Optional.empty(), fleet.nodeA.leases().tryAcquire(name, Duration.ofSeconds(30)));
    }

    @Test
    void fencingTokensKeepGrowingAfterRedisLostItsData() {
        String name = name("restarted");
        long before = 0;
        for (int i = 0; i < 3; i++) {
            Lease l = fleet.nodeA.leases().tryAcquire(name, Duration.ofSeconds(30)).orElseThrow();
            before = l.fencingToken();
            l.release();
        }
        Lease held = fleet.nodeA.leases().tryAcquire(name, Duration.ofSeconds(30)).orElseThrow();
        fleet.raw.flushAll(); // what a restart without persistence leaves: no lease, no fencing counter
        assertFalse(held.renew(Duration.ofSeconds(30)), "the lease is gone with the data");
        Lease after = fleet.nodeB.leases().tryAcquire(name, Duration.ofSeconds(30)).orElseThrow();
        assertTrue(after.fencingToken() > held.fencingToken() && held.fencingToken() > before,
                "a store fenced at " + held.fencingToken() + " would refuse the new holder's token "
                        + after.fencingToken());
        assertTrue(after.renew(Duration.ofSeconds(30)), "its value holds the token as the provider writes it");
        after.release();
        assertFalse(fleet.raw.exists("goflow:lease:{" + name + "}"));
    }

    @Test
    void aLeaseTakenByAnAcquireWhoseReplyWasLostIsTheNodesAgainAtItsNextTry() throws Exception {
        String name = name("cut");
        String key = "goflow:lease:{" + name + "}";
        try (FaultyProxy proxy = new FaultyProxy(InetAddress.getLoopbackAddress(), fleet.server.port());
                RedisConnection conn = RedisConnection.builder().name("cut").uri("redis://127.0.0.1:" + proxy.port())
                        .timeout(Duration.ofSeconds(5)).reconnectInterval(Duration.ofMillis(50)).build()) {
            conn.leases().tryAcquire(name("warm"), Duration.ofSeconds(30)).orElseThrow().release();
            proxy.cutEveryReply(); // the call's, and that of the new connection it is sent again on
            assertThrows(LeaseException.class, () -> conn.leases().tryAcquire(name, Duration.ofDays(1)));
            assertTrue(fleet.raw.exists(key), "Redis ran the script: the lease is taken, the node does not know it");
            assertEquals(Optional.empty(), fleet.nodeB.leases().tryAcquire(name, Duration.ofSeconds(30)));
            proxy.heal();
            Lease again = Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreException(LeaseException.class)
                    .until(() -> conn.leases().tryAcquire(name, Duration.ofSeconds(30)), Optional::isPresent)
                    .orElseThrow(); // not "held" by nobody for a day
            long ttl = fleet.raw.pttl(key);
            assertTrue(ttl > 0 && ttl <= 30_000, "for the time to live asked now: " + ttl);
            assertEquals(Optional.empty(), fleet.nodeB.leases().tryAcquire(name, Duration.ofSeconds(30)));
            assertEquals(Optional.empty(), conn.leases().tryAcquire(name, Duration.ofSeconds(30)),
                    "given back once: a further try finds it held");
            assertTrue(again.renew(Duration.ofSeconds(30)));
            again.release();
            assertFalse(fleet.raw.exists(key), "released");
            Lease b = fleet.nodeB.leases().tryAcquire(name, Duration.ofSeconds(30)).orElseThrow();
            assertTrue(b.fencingToken() > again.fencingToken());
            b.release();
        }
    }

    /**
     * An acquisition whose reply is lost with its connection (the network failing mid-reply) is
     * sent again on a new connection, under the same attempt id: it gets the lease it took, at once.
     */
    @Test
    void anAcquisitionWhoseReplyIsLostIsSentAgainAndGetsTheLeaseItTook() throws Exception {
        String name = name("cut-once");
        String key = "goflow:lease:{" + name + "}";
        try (FaultyProxy proxy = new FaultyProxy(InetAddress.getLoopbackAddress(), fleet.server.port());
                RedisConnection conn = RedisConnection.builder().name("cut-once").uri("redis://127.0.0.1:"
                        + proxy.port()).timeout(Duration.ofSeconds(5)).reconnectInterval(Duration.ofMinutes(1))
                        .build()) {
            conn.leases().tryAcquire(name("warm"), Duration.ofSeconds(30)).orElseThrow().release();
            proxy.cutNextReply();
            Lease l = conn.leases().tryAcquire(name, Duration.ofSeconds(30)).orElseThrow();
            String value = fleet.raw.get(key);
            assertTrue(value.endsWith("#" + l.fencingToken()), "the lease Redis holds is the one returned: " + value);
            l.release();
            assertFalse(fleet.raw.exists(key), "released");
            assertTrue(conn.state().connected(), conn.state().toString());
        } finally {
            fleet.raw.del(key);
        }
    }

    /**
     * A reply of another type than the scripts' integer (a proxy or a look-alike in between) threw
     * ClassCastException out of tryAcquire and renew, where callers handle LeaseException; and the
     * acquisition Redis may have made was forgotten, so nobody held the lease for its time to live.
     */
    @Test
    void aReplyOfAnUnexpectedTypeIsALeaseExceptionAndTheAttemptIsKept() throws Exception {
        String name = name("status");
        String key = "goflow:lease:{" + name + "}";
        try (FaultyProxy proxy = new FaultyProxy(InetAddress.getLoopbackAddress(), fleet.server.port());
                RedisConnection conn = RedisConnection.builder().name("status").uri("redis://127.0.0.1:" + proxy.port())
                        .timeout(Duration.ofSeconds(5)).reconnectInterval(Duration.ofMillis(50)).build()) {
            conn.leases().tryAcquire(name("warm"), Duration.ofSeconds(30)).orElseThrow().release();
            proxy.statusForNextReply();
            LeaseException e = assertThrows(LeaseException.class, () -> conn.leases().tryAcquire(name, Duration.ofDays(1)));
            assertTrue(e.getMessage().contains("unexpected reply"), e.getMessage());
            assertTrue(fleet.raw.exists(key), "Redis ran the script: the lease is taken");
            Lease again = conn.leases().tryAcquire(name, Duration.ofSeconds(30)).orElseThrow(); // the same attempt
            proxy.statusForNextReply();
            e = assertThrows(LeaseException.class, () -> again.renew(Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains("unexpected reply"), e.getMessage());
            assertTrue(again.renew(Duration.ofSeconds(30)));
            again.release();
            assertFalse(fleet.raw.exists(key), "released");
        } finally {
            fleet.raw.del(key);
        }
    }

    /**
     * A try made while Redis is known to be down (refused before it is sent) does not use up the
     * retry of an acquisition whose reply was lost: the next try once Redis answers still finds the
     * lease it took, rather than nobody holding it for its whole time to live.
     */
    @Test
    void aTryRefusedWhileRedisIsDownKeepsTheRetryOfALostAcquisition() throws Exception {
        String name = name("cut-then-down");
        String key = "goflow:lease:{" + name + "}";
        try (FaultyProxy proxy = new FaultyProxy(InetAddress.getLoopbackAddress(), fleet.server.port());
                RedisConnection conn = RedisConnection.builder().name("cut-down").uri("redis://127.0.0.1:" + proxy.port())
                        .timeout(Duration.ofSeconds(5)).reconnectInterval(Duration.ofSeconds(3)).build()) {
            conn.leases().tryAcquire(name("warm"), Duration.ofSeconds(30)).orElseThrow().release();
            proxy.cutEveryReply(); // the call's, that of the new connection it is sent again on, the probe's
            assertThrows(LeaseException.class, () -> conn.leases().tryAcquire(name, Duration.ofDays(1)));
            assertTrue(fleet.raw.exists(key), "Redis ran the script: the lease is taken, the node does not know it");
            LeaseException down = assertThrows(LeaseException.class,
                    () -> conn.leases().tryAcquire(name, Duration.ofSeconds(30)));
            assertTrue(down.getMessage().contains("down"), down.getMessage());
            proxy.heal();
            Optional<Lease> again = Awaitility.await().atMost(Duration.ofSeconds(20))
                    .ignoreException(LeaseException.class)
                    .until(() -> conn.leases().tryAcquire(name, Duration.ofSeconds(30)), r -> true);
            assertTrue(again.isPresent(), "the lease taken by the lost acquisition is held by nobody for a day");
            again.get().release();
            assertFalse(fleet.raw.exists(key));
        } finally {
            fleet.raw.del(key);
        }
    }

    @Test
    void fencingTokensKeepGrowingWhenRedisComesBackWithOlderData() {
        // a restart from a snapshot (RDB, AOF everysec) or a failover to a replica that lagged brings
        // back an older fencing counter: the tokens handed out since must not be handed out again
        String name = name("stale");
        String fence = "goflow:lease:{" + name + "}:fence";
        fleet.nodeA.leases().tryAcquire(name, Duration.ofSeconds(30)).orElseThrow().release();
        byte[] snapshot = fleet.raw.dump(fence);
        long last = 0;
        for (int i = 0; i < 3; i++) {
            Lease l = fleet.nodeA.leases().tryAcquire(name, Duration.ofSeconds(30)).orElseThrow();
            last = l.fencingToken();
            l.release();
        }
        fleet.raw.restore(fence, 0, snapshot, redis.clients.jedis.params.RestoreParams.restoreParams().replace());
        Lease after = fleet.nodeB.leases().tryAcquire(name, Duration.ofSeconds(30)).orElseThrow();
        assertTrue(after.fencingToken() > last, "a store fenced at " + last + " would refuse the new holder's token "
                + after.fencingToken() + ", or take it twice");
        after.release();
    }

    @Test
    void scriptsTheServerForgotAreLoadedAgain() {
        String name = name("flushed");
        fleet.raw.scriptFlush();
        Lease a = fleet.nodeA.leases().tryAcquire(name, Duration.ofSeconds(30)).orElseThrow();
        fleet.raw.scriptFlush();
        assertTrue(a.renew(Duration.ofSeconds(30)));
        RedisRateLimiter limiter = fleet.nodeA.rateLimiter().name(name("limiter")).rate(0.001).burst(1).build();
        fleet.raw.scriptFlush();
        assertTrue(limiter.allow(), "EVALSHA answered NOSCRIPT; the call sent the script and was decided by Redis");
        assertFalse(limiter.allow());
        assertEquals(0, limiter.backendStats().fallbacks(), limiter.backendStats().toString());
        limiter.close();
        a.release();
    }

    @Test
    void everyNameTheContractAllowsIsALeaseOfItsOwn() {
        // LeaseProvider: "the lease's name, 1 to 255 characters"; a scheduler names its leases
        // goflow/<scheduler>/<task id>, and a task id may have spaces
        String spaced = name("nightly report");
        String unicode = name("r\u00e9sum\u00e9-\u65e5\u672c-\uD83D\uDE80");
        String longest = "x".repeat(255);
        for (String n : List.of(spaced, unicode, longest, "a}b", "}")) {
            Lease l = fleet.nodeA.leases().tryAcquire(n, Duration.ofSeconds(30)).orElseThrow();
            assertEquals(n, l.name());
            assertTrue(fleet.raw.exists("goflow:lease:{" + n + "}"), n);
            assertEquals(Optional.empty(), fleet.nodeB.leases().tryAcquire(n, Duration.ofSeconds(30)), n);
        }
        assertTrue(fleet.nodeB.leases().tryAcquire(name("nightly"), Duration.ofSeconds(30)).isPresent(),
                "a name is not its prefix");
    }

    @Test
    void namesWithLoneSurrogatesAreLeasesOfTheirOwn() {
        // "any of them": a lone surrogate is a char a task id may hold; UTF-8 has no bytes for it (Jedis
        // writes '?'), and two tasks must not share a lease, one starving the other while it is held
        String base = name("odd");
        List<String> names = List.of(base + "\uD800", base + "\uD801", base + "?", base + "\uDC00x");
        for (String n : names) {
            Lease l = fleet.nodeA.leases().tryAcquire(n, Duration.ofSeconds(30)).orElseThrow(() -> new AssertionError(
                    "another name's lease: " + n.codePoints().mapToObj(Integer::toHexString).toList()));
            assertEquals(n, l.name());
            assertEquals(Optional.empty(), fleet.nodeB.leases().tryAcquire(n, Duration.ofSeconds(30)));
        }
        assertTrue(fleet.raw.exists("goflow:lease:{" + base + "?}"), "a well-formed name keeps its key");
    }

    @Test
    void aOncePerClusterTaskWhoseIdHasASpaceRunsOnRedisLeases() {
        try (GoFlow goflow = new GoFlowImpl()) {
            Scheduler scheduler = goflow.scheduler().name("spaced").workers(1).build();
            ScheduledTask task = scheduler.task(ctx -> { }).id("nightly report")
                    .oncePerCluster(fleet.nodeA.leases(), Duration.ofSeconds(30)).once(Duration.ZERO);
            scheduler.start();
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> task.runCount() + task.skippedCount() > 0);
            assertEquals(1, task.runCount(), "run, not skipped as if Redis could not be reached");
            scheduler.stop();
        }
    }

    @Test
    void aTimeToLiveTooLongForRedisOrForMillisecondsIsTakenAsTheLongestRedisKeeps() {
        for (Duration huge : List.of(Duration.ofMillis(Long.MAX_VALUE), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))) {
            String name = name("forever");
            Lease a = fleet.nodeA.leases().tryAcquire(name, huge).orElseThrow(); // not a LeaseException
            long ttl = fleet.raw.pttl("goflow:lease:{" + name + "}");
            assertTrue(ttl > Duration.ofDays(365L * 1000).toMillis(), "a long time to live, not none: " + ttl);
            assertTrue(a.renew(huge));
            assertEquals(Optional.empty(), fleet.nodeB.leases().tryAcquire(name, huge));
            a.release();
            assertFalse(fleet.raw.exists("goflow:lease:{" + name + "}"));
        }
    }

    @Test
    void badNamesAndTimesToLiveAreRefused() {
        assertEquals("name", assertThrows(InvalidConfigException.class,
                () -> fleet.nodeA.leases().tryAcquire("", Duration.ofSeconds(1))).field());
        assertEquals("name", assertThrows(InvalidConfigException.class,
                () -> fleet.nodeA.leases().tryAcquire("x".repeat(256), Duration.ofSeconds(1))).field());
        assertEquals("name", assertThrows(InvalidConfigException.class,
                () -> fleet.nodeA.leases().tryAcquire(null, Duration.ofSeconds(1))).field());
        assertEquals("ttl", assertThrows(InvalidConfigException.class,
                () -> fleet.nodeA.leases().tryAcquire(name("ttl"), Duration.ZERO)).field());
    }

    @Test
    void aStoreThatCannotBeReachedGivesLeaseExceptionNeverALease() throws Exception {
        RedisConnection nowhere;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nowhere = RedisConnection.builder().name("nowhere").uri("redis://127.0.0.1:" + s.getLocalPort())
                    .timeout(Duration.ofMillis(200)).build();
        }
        try {
            LeaseException e = assertThrows(LeaseException.class,
                    () -> nowhere.leases().tryAcquire(name("down"), Duration.ofSeconds(1)));
            assertTrue(e.getMessage().startsWith("lease goflow/test/down-"), e.getMessage());
        } finally {
            nowhere.close();
        }
    }
}
