package goflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A typo in goflow.web's configurations never takes the sampler (and so the dashboard and
 * {@code /metrics}) or a health check down: a value DS cannot convert, or one out of range, is
 * logged naming the property and the value, and its default is used.
 */
class ConfigDefaultsTest {
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(ConfigDefaults.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            log.add(r.getLevel() + " " + r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        logger.addHandler(capture);
        logger.setUseParentHandlers(false);
    }

    @AfterEach
    void stopCapture() {
        logger.removeHandler(capture);
        logger.setUseParentHandlers(true);
    }

    /** A configuration as DS hands it over: {@code values} by attribute, {@code bad} failing as DS fails it. */
    private static <A> A config(Class<A> type, String bad, Map<String, Object> values) {
        return type.cast(Proxy.newProxyInstance(ConfigDefaultsTest.class.getClassLoader(), new Class<?>[] {type},
                (proxy, m, args) -> {
                    if (m.getName().equals(bad)) {
                        throw new IllegalArgumentException("cannot convert");
                    }
                    return values.containsKey(m.getName()) ? values.get(m.getName()) : m.getDefaultValue();
                }));
    }

    @Test
    void aHistoryOfTheWrongTypeTakesItsDefaultAndTheIntervalIsKept() {
        WebConfig c = config(WebConfig.class, "history", Map.of("sample_interval", "PT2S"));
        Sampler.Settings s = Sampler.settings(c, Map.of("history", "lots", "sample.interval", "PT2S"));
        assertEquals(new Sampler.Settings(Duration.ofSeconds(2), 600), s);
        assertEquals(List.of("SEVERE goflow: configuration goflow.web: property 'history' = lots must be a whole "
                + "number; its default 600 is used"), log);
    }

    @Test
    void aValueGivenAsAnArrayIsLoggedAsItsElements() {
        WebConfig c = config(WebConfig.class, "history", Map.of());
        Sampler.settings(c, Map.of("history", new String[] {"lots", "more"}));
        assertEquals(List.of("SEVERE goflow: configuration goflow.web: property 'history' = [lots, more] must be a whole "
                + "number; its default 600 is used"), log);
    }

    @Test
    void anIntervalOrAHistoryOutOfRangeTakesTheDefault() {
        WebConfig c = config(WebConfig.class, "none", Map.of("sample_interval", "1s", "history", 1));
        assertEquals(new Sampler.Settings(Duration.ofSeconds(1), 600), Sampler.settings(c, Map.of()));
        assertEquals(2, log.size(), log.toString());
        assertTrue(log.get(0).contains("'sample.interval' = 1s must be an ISO-8601 duration; the default PT1S is used"),
                log.get(0));
        assertTrue(log.get(1).contains("'history' = 1 must be from 2 to 100000; the default 600 is used"), log.get(1));
    }

    @Test
    void aThresholdOfTheWrongTypeTakesItsDefaultTheOthersAreKept() {
        HealthConfig c = config(HealthConfig.class, "pool_queue_warn", Map.of("pool_queue_critical", 0.95,
                "writer_errors_warn", 5L, "writer_errors_critical", 50L));
        Thresholds t = Thresholds.configured(c, Map.of("pool.queue.warn", "high"));
        assertEquals(0.8, t.poolWarn());
        assertEquals(0.95, t.poolCritical());
        assertEquals(5, t.writerWarn());
        assertEquals(List.of("SEVERE goflow: configuration goflow.health: property 'pool.queue.warn' = high must be "
                + "a decimal number; its default 0.8 is used"), log);
    }

    @Test
    void thresholdsOutOfRangeAreLoggedAndTheDefaultsUsed() {
        HealthConfig c = config(HealthConfig.class, "none", Map.of("pool_queue_warn", 2.0));
        assertEquals(Thresholds.DEFAULTS, Thresholds.configured(c, Map.of()));
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).contains("'pool.queue.warn' = 2.0 must be a fraction above 0 and at most 1; the default "
                + "thresholds are used"), log.get(0));
    }

    @Test
    void aConfigurationThatConvertsIsUsedAsItIs() {
        HealthConfig c = config(HealthConfig.class, "none", Map.of());
        assertEquals(Thresholds.DEFAULTS, Thresholds.configured(c, Map.of()));
        assertFalse(log.stream().anyMatch(m -> m.startsWith("SEVERE")), log.toString());
    }
}
