package goflow.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

import goflow.api.inspect.PrimitiveInfo;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.RateLimiter;
import goflow.impl.testing.NoThreadLeaks;

class ConfiguredComponentsTest extends NoThreadLeaks.LeakCheckedTest {
    private final List<Fakes.Registered> registered = Fakes.registrations();
    private final BundleContext context = Fakes.context(registered);
    private final LiveRegistry live = new LiveRegistry();
    private final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.logging.Handler capture = new java.util.logging.Handler() {
        @Override
        public void publish(java.util.logging.LogRecord r) {
            log.add(r.getLevel() + " " + r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    /** Held strongly: JUL keeps loggers only weakly. */
    private final java.util.logging.Logger logger = java.util.logging.Logger.getLogger(Configured.class.getName());

    @org.junit.jupiter.api.BeforeEach
    void captureLog() {
        logger.addHandler(capture);
        logger.setUseParentHandlers(false);
    }

    @org.junit.jupiter.api.AfterEach
    void stopCapture() {
        logger.removeHandler(capture);
        logger.setUseParentHandlers(true);
    }

    private static TokenBucketConfig bucket(Object... kv) {
        return Fakes.config(TokenBucketConfig.class, map(kv));
    }

    private static WorkerPoolConfig pool(Object... kv) {
        return Fakes.config(WorkerPoolConfig.class, map(kv));
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private Object only() {
        assertEquals(1, registered.size(), registered.toString());
        return registered.get(0).service();
    }

    private List<String> rows() {
        return live.snapshot().stream().map(r -> r.name() + "@" + r.owner()).collect(Collectors.toList());
    }

    @Test
    void tokenBucketLifecycle() {
        Map<String, Object> props = Fakes.props(TokenBucketConfig.PID, "api");
        TokenBucketComponent c = new TokenBucketComponent(context, bucket("rate", 100.0, "burst", 200L), props, live);
        RateLimiter api = (RateLimiter) only();
        assertEquals("api", registered.get(0).property("goflow.name"));
        assertEquals("token-bucket", registered.get(0).property("goflow.kind"));
        assertEquals(List.of(RateLimiter.class.getName(), goflow.api.Primitive.class.getName()),
                registered.get(0).classes());
        assertEquals(List.of("api@goflow.tokenbucket~api"), rows());

        c.modified(bucket("rate", 50.0, "burst", 20L), props);
        assertSame(api, only(), "live change");
        assertEquals(50.0, api.rate().eventsPerSecond());
        assertEquals(20, api.burst());

        c.modified(bucket("rate", 60.0, "burst", 0L), props);
        assertTrue(log.contains("SEVERE goflow: configuration goflow.tokenbucket~api (factory goflow.tokenbucket) "
                + "rejected: property 'burst' = 0 must be positive (burst is the number of tokens that can be taken "
                + "at once)"), log.toString());
        assertSame(api, only());
        assertEquals(50.0, api.rate().eventsPerSecond(), "the rate applied before the bad burst is undone");
        assertEquals(20, api.burst());

        c.modified(bucket("name", "api2", "rate", 5.0, "burst", 5L), props);
        RateLimiter api2 = (RateLimiter) only();
        assertNotSame(api, api2);
        assertEquals("api2", api2.name());
        assertEquals(List.of("api2@goflow.tokenbucket~api"), rows());

        c.modified(bucket("name", "bad name", "rate", 5.0, "burst", 5L), props);
        RateLimiter kept = (RateLimiter) only();
        assertEquals("api2", kept.name(), "the last valid configuration stays in effect");
        assertEquals(5, kept.burst());

        c.deactivate();
        assertEquals(List.of(), registered);
        assertEquals(List.of(), rows());
    }

    @Test
    void invalidFirstConfigurationCreatesNothingUntilCorrected() {
        Map<String, Object> props = Fakes.props(TokenBucketConfig.PID, "bad");
        TokenBucketComponent c = new TokenBucketComponent(context, bucket("rate", -1.0), props, live);
        assertTrue(log.stream().anyMatch(m -> m.contains("rejected: property 'rate' = -1.0 must not be negative")),
                log.toString());
        assertEquals(List.of(), registered);
        assertEquals(List.<PrimitiveInfo>of(), live.snapshot());
        c.modified(bucket("rate", -2.0), props);
        assertEquals(List.of(), registered);
        c.modified(bucket("rate", 1.0, "burst", 3L), props);
        assertEquals(3, ((RateLimiter) only()).burst());
        c.deactivate();
        assertEquals(List.of(), registered);
    }

    @Test
    void workerPoolResizesLiveAndRecreatesOtherwise() throws Exception {
        Map<String, Object> props = Fakes.props(WorkerPoolConfig.PID, "io");
        WorkerPoolComponent c = new WorkerPoolComponent(context, pool("workers", 2, "queueCapacity", 10), props, live);
        WorkerPool io = (WorkerPool) only();
        assertEquals(List.of(WorkerPool.class.getName(), java.util.concurrent.Executor.class.getName(),
                goflow.api.Primitive.class.getName()), registered.get(0).classes());
        assertEquals("ran", io.submit(ctx -> "ran").get().value());

        c.modified(pool("workers", 3, "queueCapacity", 10), props);
        assertSame(io, only());
        assertEquals(3, io.workers());

        c.modified(pool("workers", 3, "queueCapacity", 20, "onQueueFull", "reject"), props);
        WorkerPool io2 = (WorkerPool) only();
        assertNotSame(io, io2);
        assertTrue(io.isTerminated(), "the replaced pool completed and stopped");
        assertEquals(20, io2.queueCapacity());

        c.modified(pool("workers", 3, "queueCapacity", 20, "onQueueFull", "drop"), props);
        WorkerPool io3 = (WorkerPool) only();
        assertEquals(20, io3.queueCapacity(), "rejected: rebuilt from the last valid configuration");
        c.deactivate();
        assertEquals(List.of(), registered);
        assertTrue(io3.isTerminated());
    }

    @Test
    void unnamedFactoryConfigurationGetsAGeneratedName() {
        Map<String, Object> props = Map.of("service.pid", "goflow.tokenbucket.4711", "service.factoryPid",
                TokenBucketConfig.PID);
        TokenBucketComponent c = new TokenBucketComponent(context, bucket(), props, live);
        assertEquals("token-bucket-1", registered.get(0).property("goflow.name"));
        c.deactivate();
    }
}
