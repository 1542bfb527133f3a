package goflow.redis.streams.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
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
        return status(property, value, String.valueOf(value));
    }

    /**
     * The row's status of a configuration whose {@code property} is {@code raw} in Configuration
     * Admin and {@code value} as DS converts it (Felix SCR: a number's {@code intValue()}, a list's
     * first element).
     */
    private static String status(String property, Object value, Object raw) {
        StreamConsumerConfig config = config(property, value);
        String pid = "goflow.redis.stream~typo-" + property;
        // no bundle context and no GoFlow: a rejected configuration must not touch them
        StreamConsumerComponent c = new StreamConsumerComponent(null, config,
                Map.of("service.pid", pid, property, raw), null);
        try {
            return (String) StreamConsumerComponent.ACTIVE.get(pid).row().get(5);
        } finally {
            c.deactivate();
        }
    }

    private static StreamConsumerConfig config(String property, Object value) {
        return (StreamConsumerConfig) Proxy.newProxyInstance(
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
    }

    @Test
    void aNumberThatDsWouldCutToAnotherIntOrAListForOneValueIsRejectedNamingTheProperty() {
        // Felix SCR reads a Long as its intValue(): 2^32 + 1 deliveries would silently be 1
        assertEquals("rejected: maxDeliveries must be a whole number", status("maxDeliveries", 1, 4_294_967_297L));
        assertEquals("rejected: batch must be a whole number", status("batch", 2, 2.5d));
        assertEquals("rejected: batch must be a whole number", status("batch", 1, Boolean.TRUE));
        assertEquals("rejected: maxInFlight must be a whole number", status("maxInFlight", 0, Double.NaN));
        // and a list's first element
        assertEquals("rejected: stream must be a single value, not a list of 2",
                status("stream", "a", new String[] {"a", "b"}));
        assertEquals("rejected: concurrency must be a single value, not a list of 2",
                status("concurrency", 4, List.of(4, 8)));
    }

    @Test
    void aWholeNumberOfAnyTypeThatAnIntHoldsOrAListOfOneIsTaken() {
        for (Object raw : new Object[] {64, 64L, (short) 64, 64.0d, new java.math.BigDecimal("64.00"), "64",
            List.of(64), new int[] {64}}) {
            assertDoesNotThrow(() -> StreamConsumerComponent.checkTypes(config("batch", 64),
                    Map.of("batch", raw)), String.valueOf(raw));
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
        assertEquals("rejected: uri the path must be a database number",
                status("uri", "redis://127.0.0.1:6379/1234567890"));
        // a server may have more databases than the default 16 (its `databases` setting)
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(
                () -> goflow.redis.streams.RedisStreamConsumer.builder().uri("redis://127.0.0.1:6379/150"));
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
