package goflow.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import goflow.api.InvalidConfigException;

/**
 * The credentials and port of a connection URI: a URI Redis cannot be reached at is refused when
 * it is set, naming the field.
 */
class RedisConnectionUriTest {
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
