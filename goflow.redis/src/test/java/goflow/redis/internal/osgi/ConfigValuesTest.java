package goflow.redis.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import goflow.api.InvalidConfigException;
import goflow.redis.RedisConnection;

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

    @Test
    void aRefusedLocalLeaseIsReportedUnderTheConfigurationsPropertyNames() {
        // the real builder: its own names for these arguments are localLease.tokens / localLease.maxAge
        try (RedisConnection redis = RedisConnection.builder().uri("redis://127.0.0.1:1").build()) {
            var builder = redis.rateLimiter().name("leased").rate(10).burst(10);
            InvalidConfigException tokens = assertThrows(InvalidConfigException.class,
                    () -> ConfigValues.localLease("redis-token-bucket", 1, "PT0.1S", builder::localLease));
            assertEquals("localLeaseTokens", tokens.field());
            assertEquals(1, tokens.value());
            assertEquals("must be 0 (no lease) or from 2 to 1000000", tokens.rule());
            InvalidConfigException age = assertThrows(InvalidConfigException.class,
                    () -> ConfigValues.localLease("redis-token-bucket", 5, "PT2H", builder::localLease));
            assertEquals("localLeaseMaxAge", age.field());
            assertEquals("PT2H", age.value());
            assertEquals("localLeaseMaxAge", assertThrows(InvalidConfigException.class,
                    () -> ConfigValues.localLease("redis-token-bucket", 5, "2h", builder::localLease)).field());
            List<Object> applied = new ArrayList<>();
            ConfigValues.localLease("redis-token-bucket", 0, "not read", (t, a) -> applied.add(t));
            assertEquals(List.of(), applied, "0 tokens: no lease");
            ConfigValues.localLease("redis-token-bucket", 5, "PT0.5S", (t, a) -> applied.add(t + "/" + a));
            assertEquals(List.of("5/PT0.5S"), applied);
        }
    }
}
