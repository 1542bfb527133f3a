package goflow.redis.streams.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * A {@code goflow.redis.stream} configuration with a value DS cannot convert, or a value out of its
 * rule, is rejected naming the property (shown by {@code goflow:redisstreams}); nothing connects
 * and nothing is tracked. The connection properties are checked as PID {@code goflow.redis} checks
 * them.
 */
class StreamConsumerConfigTypesTest {

    /** The row's status of a configuration whose {@code property} DS gives as {@code value} (or fails to convert). */
    private static String status(String property, Object value) {
        StreamConsumerConfig config = (StreamConsumerConfig) Proxy.newProxyInstance(
                StreamConsumerConfigTypesTest.class.getClassLoader(), new Class<?>[] {StreamConsumerConfig.class},
                (proxy, m, args) -> {
                    if (m.getName().equals(property)) {
                        if (value instanceof RuntimeException e) {
                            throw e;
                        }
                        return value;
                    }
                    Object d = m.getDefaultValue();
                    return d != null ? d : "orders";
                });
        String pid = "goflow.redis.stream~typo-" + property;
        // no bundle context and no GoFlow: a rejected configuration must not touch them
        StreamConsumerComponent c = new StreamConsumerComponent(null, config,
                Map.of("service.pid", pid, property, String.valueOf(value)), null);
        try {
            return (String) StreamConsumerComponent.ACTIVE.get(pid).row().get(5);
        } finally {
            c.deactivate();
        }
    }

    @Test
    void aValueOfTheWrongTypeIsRejectedNamingTheProperty() {
        assertEquals("rejected: batch must be a whole number", status("batch", new IllegalArgumentException("many")));
    }

    @Test
    void aTimeoutThatIsNotADurationOrOutOfRangeIsRejectedNamingIt() {
        assertEquals("rejected: timeout must be an ISO-8601 duration", status("timeout", "soon"));
        assertEquals("rejected: timeout must be an ISO-8601 duration", status("timeout", "200"));
        assertEquals("rejected: timeout must be from PT0.001S to PT1M", status("timeout", "PT0S"));
        assertEquals("rejected: timeout must be from PT0.001S to PT1M", status("timeout", "PT2M"));
        assertEquals("rejected: timeout must be a String", status("timeout", new IllegalArgumentException("[1, 2]")));
    }

    @Test
    void theOtherConnectionPropertiesAreCheckedAsGoflowRedisChecksThem() {
        assertEquals("rejected: reconnectInterval must be from PT0.01S to PT1M", status("reconnectInterval", "PT0.001S"));
        assertEquals("rejected: reconnectInterval must be an ISO-8601 duration", status("reconnectInterval", "1s"));
        assertEquals("rejected: uri must be a redis:// or rediss:// URI with a host", status("uri", "http://example"));
        assertEquals("rejected: uri the path must be a database number", status("uri", "redis://127.0.0.1:6379/x"));
    }

    @Test
    void aClaimIdleTooLongForTheClockIsRejectedNamingIt() {
        assertEquals("rejected: claimIdle must be from 10 ms to 365 days", status("claimIdle", "P36500D"));
        assertEquals("rejected: claimIdle must be from 10 ms to 365 days", status("claimIdle", "P1000000000D"));
        assertEquals("rejected: block must be from 1 ms to 1 s", status("block", "P1000000000D"));
    }

    @Test
    void theDefaultsAreThoseOfGoflowRedis() throws Exception {
        assertEquals("PT0.2S", StreamConsumerConfig.class.getMethod("timeout").getDefaultValue());
        assertEquals("PT1S", StreamConsumerConfig.class.getMethod("reconnectInterval").getDefaultValue());
        assertEquals("", StreamConsumerConfig.class.getMethod("user").getDefaultValue());
        assertEquals("", StreamConsumerConfig.class.getMethod("password").getDefaultValue());
        assertEquals("redis://127.0.0.1:6379", StreamConsumerConfig.class.getMethod("uri").getDefaultValue());
        // and the builder's are the PID's
        assertEquals(Duration.parse("PT0.2S"), goflow.redis.streams.RedisStreamConsumerBuilder.DEFAULT_TIMEOUT);
        assertEquals(Duration.parse("PT1S"), goflow.redis.streams.RedisStreamConsumerBuilder.DEFAULT_RECONNECT_INTERVAL);
    }
}
