package goflow.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import goflow.api.InvalidConfigException;
import goflow.api.pool.QueueFullPolicy;

class WorkerPoolComponentTest {

    @Test
    void taskTimeoutIsAnIsoDurationOrEmpty() {
        assertEquals(Duration.ZERO, WorkerPoolComponent.timeout(""));
        assertEquals(Duration.ZERO, WorkerPoolComponent.timeout(null));
        assertEquals(Duration.ofMillis(1500), WorkerPoolComponent.timeout(" PT1.5S "));
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> WorkerPoolComponent.timeout("5s"));
        assertEquals("taskTimeout", e.field());
        assertEquals("5s", e.value());
    }

    @Test
    void onQueueFullIsBlockOrReject() {
        assertEquals(QueueFullPolicy.REJECT, WorkerPoolComponent.policy("reject"));
        assertEquals(QueueFullPolicy.BLOCK, WorkerPoolComponent.policy("BLOCK"));
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> WorkerPoolComponent.policy("drop"));
        assertEquals("onQueueFull", e.field());
    }

    @Test
    void defaultNameComesFromANamedFactoryConfiguration() {
        assertEquals("api", Configured.defaultName(java.util.Map.of("service.pid", "goflow.tokenbucket~api")));
        assertEquals("", Configured.defaultName(java.util.Map.of("service.pid", "goflow.tokenbucket.1234")));
    }
}
