package goflow.redis.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.jupiter.api.Test;

import goflow.api.InvalidConfigException;

/**
 * A configuration value DS cannot convert is rejected naming the property and the value (DS's own
 * exception, thrown when the attribute is read, names neither); RedisIT sees the same in Felix.
 */
class ConfigValuesTest {

    /** A configuration as DS hands it over, whose {@code bad} attribute fails as DS fails it. */
    private static RedisTokenBucketConfig config(String bad) {
        return (RedisTokenBucketConfig) Proxy.newProxyInstance(ConfigValuesTest.class.getClassLoader(),
                new Class<?>[] {RedisTokenBucketConfig.class}, (proxy, m, args) -> {
                    if (m.getName().equals(bad)) {
                        throw new IllegalArgumentException("Not a number: fast");
                    }
                    return m.getDefaultValue();
                });
    }

    @Test
    void aValueOfTheWrongTypeIsRejectedNamingThePropertyAndTheValue() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> ConfigValues.checkTypes("redis-token-bucket", RedisTokenBucketConfig.class, config("rate"),
                        Map.of("service.pid", "goflow.redis.tokenbucket~api", "Rate", "fast")));
        assertEquals("rate", e.field());
        assertEquals("fast", e.value(), "the raw value, found without regard to case as Configuration Admin does");
        assertEquals("must be a decimal number", e.rule());

        InvalidConfigException whole = assertThrows(InvalidConfigException.class,
                () -> ConfigValues.checkTypes("redis-token-bucket", RedisTokenBucketConfig.class, config("burst"),
                        Map.of("burst", "ten")));
        assertEquals("burst", whole.field());
        assertEquals("must be a whole number", whole.rule());
    }

    @Test
    void aConfigurationWhoseValuesAllConvertPasses() {
        ConfigValues.checkTypes("redis-token-bucket", RedisTokenBucketConfig.class, config("none"), Map.of());
    }

    @Test
    void durationsAndPoliciesAreCheckedNamingTheProperty() {
        assertEquals("localLeaseMaxAge", assertThrows(InvalidConfigException.class,
                () -> ConfigValues.duration("redis-token-bucket", "localLeaseMaxAge", "100ms")).field());
        assertEquals("failurePolicy", assertThrows(InvalidConfigException.class,
                () -> ConfigValues.policy("redis-token-bucket", "sometimes")).field());
        assertEquals(goflow.redis.FailurePolicy.FAIL_OPEN, ConfigValues.policy("x", " fail_open "));
    }
}
