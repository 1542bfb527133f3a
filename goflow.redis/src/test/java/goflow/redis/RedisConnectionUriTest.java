package goflow.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import goflow.api.InvalidConfigException;

/**
 * The credentials and port of a connection URI, against a real redis-server with an ACL user: a
 * password is read as RFC 3986 writes it (a {@code +} is a plus, {@code %XX} an escape), and a URI
 * Redis cannot be reached at is refused when it is set, naming the field.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisConnectionUriTest {
    @RegisterExtension
    final RedisNodes nodes = new RedisNodes(Duration.ofSeconds(2));

    @Test
    @SuppressWarnings("deprecation") // UnifiedJedis.sendCommand: the plain way to send ACL SETUSER
    void aPlusInTheUrisPasswordIsAPlus() {
        nodes.raw.sendCommand(redis.clients.jedis.Protocol.Command.ACL, "SETUSER", "plus-user", "on", ">a+b:c",
                "~*", "+@all");
        String uri = "redis://plus-user:a+b%3Ac@127.0.0.1:" + nodes.server.port();
        try (RedisConnection c = RedisConnection.builder().name("plus").uri(uri).timeout(Duration.ofSeconds(2))
                .build(); RedisRateLimiter l = c.rateLimiter().name("plus").rate(1).burst(5)
                        .failurePolicy(FailurePolicy.FAIL_CLOSED).build()) {
            assertTrue(l.allow(), "denied: " + l.backendStats().lastError());
            assertEquals(0, l.backendStats().failures(), () -> "" + l.backendStats().lastError());
        }
    }

    @Test
    @SuppressWarnings("deprecation") // UnifiedJedis.sendCommand: the plain way to send ACL SETUSER
    void aUserWithoutAPasswordInTheUriIsTheUser() {
        nodes.raw.sendCommand(redis.clients.jedis.Protocol.Command.ACL, "SETUSER", "solo", "on", ">pw", "~*",
                "+@all");
        try (RedisConnection c = RedisConnection.builder().name("solo").uri("redis://solo@127.0.0.1:"
                + nodes.server.port()).password("pw".toCharArray()).timeout(Duration.ofSeconds(2)).build();
                RedisRateLimiter l = c.rateLimiter().name("solo").rate(1).burst(5)
                        .failurePolicy(FailurePolicy.FAIL_CLOSED).build()) {
            assertTrue(l.allow(), "denied: " + l.backendStats().lastError());
            String clients = new String((byte[]) nodes.raw.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT,
                    "LIST"), java.nio.charset.StandardCharsets.UTF_8);
            String line = clients.lines().filter(x -> x.contains("name=goflow-solo ")).findFirst().orElse(clients);
            assertTrue(line.contains(" user=solo "), "the URI's user was dropped: " + line);
        }
    }

    /** Redis has as many databases as its `databases` setting says (16 by default): /150 of 200 is one. */
    @Test
    void aDatabaseNumberBeyondTheDefault16IsTakenWhereTheServerHasIt() throws Exception {
        try (goflow.redis.streams.RedisServer big = goflow.redis.streams.RedisServer.startWith("--databases", "200");
                RedisConnection c = RedisConnection.builder().name("db150").uri("redis://127.0.0.1:" + big.port()
                        + "/150").timeout(Duration.ofSeconds(2)).build();
                RedisRateLimiter l = c.rateLimiter().name("db150").rate(1).burst(5)
                        .failurePolicy(FailurePolicy.FAIL_CLOSED).build()) {
            assertTrue(l.allow(), "denied: " + l.backendStats().lastError());
            assertTrue(c.state().connected(), c.state().toString());
        }
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> RedisConnection.builder().uri("redis://127.0.0.1:6379/1234567890"));
        assertTrue(e.getMessage().contains("database number"), e.getMessage());
    }

    @Test
    void aRefusedUriNeverShowsItsPasswordEvenWithAnUnescapedAtOrSlashInIt() {
        // RFC 3986 wants '@' and '/' in a password escaped; people paste them as they are, and the URI
        // is refused (no host, or not a database number as path): the message must hide all of it
        for (String uri : new String[] {"redis://user:top@secret@127.0.0.1:6379",
                "redis://user:top/secret@127.0.0.1:6379", "redis://:top/secret@127.0.0.1:6379/0",
                "redis://user:top@secret@127.0.0.1:99999", "redis://user:top secret@127.0.0.1:6379"}) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> RedisConnection.builder().uri(uri), uri);
            assertEquals("uri", e.field());
            assertFalse(e.getMessage().contains("secret") || String.valueOf(e.value()).contains("secret"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("127.0.0.1"), "the rest is shown: " + e.getMessage());
        }
    }

    @Test
    void aRefusedUriWithoutSchemeSlashesNeverShowsItsPassword() {
        // the scheme or one of its slashes left out: no "://" to start the hidden part from
        for (String uri : new String[] {"//user:secret@127.0.0.1:6379", "user:secret@127.0.0.1:6379",
                "redis:/user:secret@127.0.0.1:6379", "redis//:secret@127.0.0.1:6379"}) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> RedisConnection.builder().uri(uri), uri);
            assertEquals("uri", e.field());
            assertFalse(e.getMessage().contains("secret") || String.valueOf(e.value()).contains("secret"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("127.0.0.1:6379"), "the rest is shown: " + e.getMessage());
        }
    }

    @Test
    void aPortOutOfRangeIsRefusedNamingTheUri() {
        for (String uri : new String[] {"redis://127.0.0.1:99999", "redis://127.0.0.1:0",
                "redis://user:secret@127.0.0.1:65536"}) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> RedisConnection.builder().uri(uri), uri);
            assertEquals("uri", e.field());
            assertTrue(e.getMessage().contains("port"), e.getMessage());
            assertFalse(e.getMessage().contains("secret"), e.getMessage());
        }
        RedisConnection.builder().uri("redis://[::1]:65535"); // in range, IPv6 literal
        RedisConnection.builder().uri("redis://127.0.0.1"); // default port
    }
}
