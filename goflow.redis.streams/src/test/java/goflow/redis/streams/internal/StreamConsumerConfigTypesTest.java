package goflow.redis.streams.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * A {@code goflow.redis.stream} configuration with a value DS cannot convert is rejected naming
 * the property (shown by {@code goflow:redisstreams}); nothing connects and nothing is tracked.
 */
class StreamConsumerConfigTypesTest {

    @Test
    void aValueOfTheWrongTypeIsRejectedNamingTheProperty() {
        StreamConsumerConfig config = (StreamConsumerConfig) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {StreamConsumerConfig.class}, (proxy, m, args) -> {
                    if (m.getName().equals("batch")) {
                        throw new IllegalArgumentException("cannot convert many");
                    }
                    Object d = m.getDefaultValue();
                    return d != null ? d : "orders";
                });
        String pid = "goflow.redis.stream~typo";
        // no bundle context and no GoFlow: a rejected configuration must not touch them
        StreamConsumerComponent c = new StreamConsumerComponent(null, config, Map.of("service.pid", pid, "Batch", "many"),
                null);
        try {
            assertEquals("rejected: batch must be a whole number", StreamConsumerComponent.ACTIVE.get(pid).row().get(5));
        } finally {
            c.deactivate();
        }
    }
}
