package goflow.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import goflow.api.schedule.Lease;
import goflow.api.schedule.LeaseException;

/**
 * The connection at the edges of its pool and its reconnect probe, on a real redis-server (behind
 * a {@link FaultyProxy} where the network must fail at a chosen point): an interrupted caller, an
 * Error while a reply is read, in a call or in the probe.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisConnectionFaultsTest {
    @RegisterExtension
    final RedisNodes fleet = new RedisNodes(Duration.ofMillis(500));
    private int test;

    private String name(String what) {
        return "goflow/test/" + what + "-" + (++test);
    }

    @Test
    void aCallerInterruptedWhileWaitingForAPooledConnectionKeepsItsInterruptAndRedisIsNotMarkedDown()
            throws Exception {
        try (RedisConnection conn = RedisConnection.builder().name("interrupted")
                .uri("redis://127.0.0.1:" + fleet.server.port()).timeout(Duration.ofSeconds(5))
                .reconnectInterval(Duration.ofMinutes(1)).poolSize(1).build()) {
            String list = "goflow:test:" + name("block");
            Thread blocker = new Thread(() -> conn.client().blpop(30, list), "blocker");
            blocker.start(); // holds the pool's only connection
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> conn.state().poolActive() == 1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicBoolean stillInterrupted = new AtomicBoolean();
            Thread caller = new Thread(() -> {
                try {
                    conn.leases().tryAcquire(name("waiting"), Duration.ofSeconds(30));
                } catch (Throwable e) {
                    failure.set(e);
                }
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }, "caller");
            caller.start();
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> caller.getState() == Thread.State.TIMED_WAITING);
            caller.interrupt();
            caller.join(10_000);
            assertTrue(failure.get() instanceof LeaseException, String.valueOf(failure.get()));
            assertTrue(stillInterrupted.get(), "the interrupt is the caller's, not the connection's to swallow");
            fleet.raw.lpush(list, "go");
            blocker.join(10_000);
            Lease l = conn.leases().tryAcquire(name("after"), Duration.ofSeconds(30)).orElseThrow(); // not "down"
            l.release();
            assertTrue(conn.state().connected(), conn.state().toString());
        }
    }

    @Test
    void anErrorWhileAReplyIsReadGivesTheConnectionBackToThePool() throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(InetAddress.getLoopbackAddress(), fleet.server.port());
                RedisConnection conn = RedisConnection.builder().name("garbled")
                        .uri("redis://127.0.0.1:" + proxy.port()).timeout(Duration.ofSeconds(5)).poolSize(1)
                        .reconnectInterval(Duration.ofMillis(50)).build()) {
            conn.leases().tryAcquire(name("warm"), Duration.ofSeconds(30)).orElseThrow().release();
            proxy.garbleNextReply();
            assertThrows(OutOfMemoryError.class, () -> conn.leases().tryAcquire(name("garbled"), Duration.ofSeconds(30)));
            assertEquals(0, conn.state().poolActive(), conn.state().toString());
            Lease l = conn.leases().tryAcquire(name("after"), Duration.ofSeconds(30)).orElseThrow();
            l.release();
        }
    }

    @Test
    void theReconnectProbeSurvivesAnErrorAndEndsWithTheConnection() throws Exception {
        String probeName = "goflow-redis-probed-reconnect";
        // an Error the probe let escape would end its thread, and reach surefire's handler, which ends the fork
        Thread.UncaughtExceptionHandler surefire = Thread.getDefaultUncaughtExceptionHandler();
        AtomicReference<String> escaped = new AtomicReference<>();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> escaped.set(t.getName() + ": " + e));
        try (FaultyProxy proxy = new FaultyProxy(InetAddress.getLoopbackAddress(), fleet.server.port())) {
            RedisConnection conn = RedisConnection.builder().name("probed").uri("redis://127.0.0.1:" + proxy.port())
                    .timeout(Duration.ofSeconds(5)).reconnectInterval(Duration.ofMillis(200)).build();
            try {
                conn.leases().tryAcquire(name("warm"), Duration.ofSeconds(30)).orElseThrow().release();
                proxy.cutEveryReply(); // the call's, that of the new connection it is sent again on, the probe's
                assertThrows(LeaseException.class, () -> conn.leases().tryAcquire(name("cut"), Duration.ofSeconds(30)));
                proxy.heal();
                proxy.garbleNextReply(); // the probe's next connection reads it
                assertFalse(conn.state().connected());
                Lease l = Awaitility.await().atMost(Duration.ofSeconds(20)).dontCatchUncaughtExceptions()
                        .ignoreException(LeaseException.class)
                        .until(() -> conn.leases().tryAcquire(name("back"), Duration.ofSeconds(30)),
                                java.util.Optional::isPresent)
                        .orElseThrow();
                l.release();
                assertEquals(0, threads(probeName), "the probe ended when Redis answered");
            } finally {
                conn.close();
            }
            assertEquals(0, threads(probeName));
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(surefire);
        }
        assertEquals(null, escaped.get(), "nothing escaped the probe");
    }

    @Test
    void theLentClientKeepsTheSocketTimeoutAfterACallThatWaitedForItsConnection() throws Exception {
        try (RedisConnection conn = RedisConnection.builder().name("lent")
                .uri("redis://127.0.0.1:" + fleet.server.port()).timeout(Duration.ofSeconds(5)).poolSize(1)
                .build()) {
            String list = "goflow:test:" + name("hold");
            Thread blocker = new Thread(() -> conn.client().blpop(4.5, list), "blocker");
            blocker.start(); // holds the pool's only connection for 4.5 of the call's 5 s
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> conn.state().poolActive() == 1);
            // waits ~4.5 s for the connection, then has ~0.5 s left: its socket timeout for this call
            Lease late = conn.leases().tryAcquire(name("late"), Duration.ofSeconds(30)).orElseThrow();
            blocker.join(10_000);
            // a 1.5 s script, well within the 5 s socket timeout the lent client is documented to have
            Object r = conn.client().eval("local t = redis.call('TIME') local e = t[1] * 1000000 + t[2] + 1500000 "
                    + "while true do local n = redis.call('TIME') if n[1] * 1000000 + n[2] >= e then break end end "
                    + "return 1");
            assertEquals(1L, r);
            late.release();
        }
    }

    @Test
    @SuppressWarnings("deprecation") // UnifiedJedis.sendCommand: the plain way to send ACL and CLIENT KILL
    void aPasswordChangedOnTheServerIsLoggedAsTheReasonRedisStaysDown() throws Exception {
        fleet.raw.sendCommand(redis.clients.jedis.Protocol.Command.ACL, "SETUSER", "rotated", "on", ">old-pw-1",
                "~*", "+@all");
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("goflow.redis.internal.ConnectionImpl");
        java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = warningsTo(warnings);
        jul.addHandler(capture);
        try (RedisConnection conn = RedisConnection.builder().name("rotated")
                .uri("redis://rotated:old-pw-1@127.0.0.1:" + fleet.server.port()).timeout(Duration.ofSeconds(2))
                .reconnectInterval(Duration.ofMillis(50)).build()) {
            conn.leases().tryAcquire(name("before"), Duration.ofSeconds(30)).orElseThrow().release();
            // the password is rotated on the server, and its connections dropped: Redis is up, and
            // refuses this connection's every new connection from now on
            fleet.raw.sendCommand(redis.clients.jedis.Protocol.Command.ACL, "SETUSER", "rotated", "resetpass",
                    ">new-pw-2");
            fleet.raw.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "KILL", "USER", "rotated");
            assertThrows(LeaseException.class, () -> conn.leases().tryAcquire(name("after"), Duration.ofSeconds(30)));
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> warnings.stream().anyMatch(w -> w.contains("WRONGPASS")));
            assertFalse(warnings.stream().anyMatch(w -> w.contains("pw-")), warnings.toString());
            // the probe keeps failing the same way, every 50 ms: said once, not each time
            java.time.Instant seen = conn.state().lastErrorAt();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> conn.state().lastErrorAt().isAfter(seen));
            java.time.Instant again = conn.state().lastErrorAt();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> conn.state().lastErrorAt().isAfter(again));
            assertEquals(1, warnings.stream().filter(w -> w.contains("refuses this connection")).count(),
                    warnings.toString());
        } finally {
            jul.removeHandler(capture);
        }
    }

    @Test
    void aReplyOfAnUnexpectedTypeIsAFailureTheLimitersPolicyDecides() throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(InetAddress.getLoopbackAddress(), fleet.server.port());
                RedisConnection conn = RedisConnection.builder().name("odd-reply")
                        .uri("redis://127.0.0.1:" + proxy.port()).timeout(Duration.ofSeconds(5)).poolSize(1)
                        .reconnectInterval(Duration.ofMillis(50)).build();
                RedisRateLimiter open = conn.rateLimiter().name(name("odd-open").replace('/', '-')).rate(1).burst(1)
                        .failurePolicy(FailurePolicy.FAIL_OPEN).build()) {
            assertTrue(open.allow()); // the one token
            proxy.integerForNextReply(); // ":1" where the script answers a list
            assertTrue(open.allow(), "FAIL_OPEN admits when the reply cannot be read");
            assertEquals(1, open.backendStats().fallbacks(), open.backendStats().toString());
            assertTrue(open.backendStats().lastError().contains("unexpected reply"), open.backendStats().lastError());
            assertFalse(open.allow(), "the next reply is read as ever: the bucket is empty");
        }
    }

    @Test
    @SuppressWarnings("deprecation") // UnifiedJedis.sendCommand: the plain way to send CLIENT LIST and KILL
    void aPooledConnectionTheServerClosedWhileIdleIsReplacedAndTheCallSentAgain() throws Exception {
        // the reconnect interval at its most: were the dropped connection taken for an outage, Redis
        // would be refused for a minute
        java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("goflow.redis.internal.ConnectionImpl");
        java.util.logging.Handler capture = warningsTo(warnings);
        jul.addHandler(capture);
        try (RedisConnection conn = RedisConnection.builder().name("idle-drop")
                .uri("redis://127.0.0.1:" + fleet.server.port()).timeout(Duration.ofSeconds(5)).poolSize(1)
                .reconnectInterval(Duration.ofMinutes(1)).build();
                RedisRateLimiter closed = conn.rateLimiter().name(name("idle-drop").replace('/', '-')).rate(1000)
                        .burst(1000).failurePolicy(FailurePolicy.FAIL_CLOSED).build()) {
            assertTrue(closed.allow(), closed.backendStats().toString());
            // the server drops the idle pooled connection, as its `timeout` (or a proxy, a NAT) does
            fleet.raw.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "KILL", "ADDR", addressOf("idle-drop"));
            assertTrue(closed.allow(), "sent again on a new connection: " + closed.backendStats());
            assertEquals(0, closed.backendStats().fallbacks(), closed.backendStats().toString());
            assertTrue(conn.state().connected(), conn.state().toString());
            assertEquals(0, threads("goflow-redis-idle-drop-reconnect"), "no probe: Redis was never down");
            assertEquals(java.util.List.of(), warnings);
        } finally {
            jul.removeHandler(capture);
        }
    }

    /**
     * A refund whose connection breaks is not sent again: had Redis run it before the connection
     * broke, it would give the reservation's tokens back twice. Redis, up all along, is probed at
     * once rather than after a reconnect interval.
     */
    @Test
    void aRefundWhoseConnectionBreaksIsNotSentAgainAndRedisIsProbedAtOnce() throws Exception {
        String name = name("refund-cut").replace('/', '-');
        try (FaultyProxy proxy = new FaultyProxy(InetAddress.getLoopbackAddress(), fleet.server.port());
                RedisConnection conn = RedisConnection.builder().name("refund-cut")
                        .uri("redis://127.0.0.1:" + proxy.port()).timeout(Duration.ofSeconds(5))
                        .reconnectInterval(Duration.ofMinutes(1)).build();
                RedisRateLimiter a = conn.rateLimiter().name(name).rate(0.001).burst(10).build();
                RedisRateLimiter direct = fleet.nodeB.rateLimiter().name(name).rate(0.001).burst(10).build()) {
            assertTrue(a.allow(10));
            goflow.api.ratelimit.Reservation r = a.reserve(5);
            assertTrue(r.ok());
            assertEquals(-5, direct.tokens(), 0.01);
            proxy.cutNextReply(); // Redis runs the refund; its reply is lost
            r.cancel();
            assertEquals(0, direct.tokens(), 0.01, "the 5 tokens given back once, not twice");
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> conn.state().connected());
            assertTrue(a.allow(0));
        }
    }

    /** The address ({@code ip:port}) of the one connection named {@code goflow-<name>}, from CLIENT LIST. */
    @SuppressWarnings("deprecation") // UnifiedJedis.sendCommand: the plain way to send CLIENT LIST
    private String addressOf(String name) {
        String clients = new String((byte[]) fleet.raw.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT,
                "LIST"), java.nio.charset.StandardCharsets.UTF_8);
        return clients.lines().filter(l -> l.contains(" name=goflow-" + name + " ")).findFirst()
                .map(l -> l.replaceFirst("^.*? addr=(\\S+) .*$", "$1")).orElseThrow(() -> new AssertionError(clients));
    }

    private static java.util.logging.Handler warningsTo(java.util.List<String> warnings) {
        java.util.logging.Formatter text = new java.util.logging.SimpleFormatter();
        return new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel() == java.util.logging.Level.WARNING) {
                    warnings.add(text.formatMessage(r));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }

    private static long threads(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive())
                .count();
    }
}
