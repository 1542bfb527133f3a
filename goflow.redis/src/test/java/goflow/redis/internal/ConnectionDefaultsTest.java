package goflow.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import goflow.redis.RedisConnection;
import goflow.redis.RedisConnectionBuilder;
import goflow.redis.internal.osgi.RedisConnectionConfig;

/** A connection built in code and one configured by PID {@code goflow.redis} get the same defaults. */
class ConnectionDefaultsTest {
    @Test
    void theBuilderHasThePidsDefaults() throws Exception {
        try (RedisConnection c = RedisConnection.builder().build()) { // opens nothing yet
            ConnectionImpl impl = (ConnectionImpl) c;
            assertEquals(Duration.parse((String) RedisConnectionConfig.class.getMethod("timeout").getDefaultValue()),
                    c.timeout());
            assertEquals(Duration.parse(
                    (String) RedisConnectionConfig.class.getMethod("reconnectInterval").getDefaultValue()),
                    impl.reconnectInterval());
            assertEquals(RedisConnectionBuilder.DEFAULT_TIMEOUT, c.timeout());
            assertEquals(RedisConnectionBuilder.DEFAULT_RECONNECT_INTERVAL, impl.reconnectInterval());
        }
    }
}
