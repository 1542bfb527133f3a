package goflow.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

import goflow.api.Primitive;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.Stage;
import goflow.api.pipeline.StageNotFoundException;
import goflow.api.function.ThrowingFunction;
import goflow.api.schedule.Scheduler;
import goflow.api.inspect.Registry;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.RateLimiter;

/** Factory configurations create, change live and delete named primitives; invalid ones are rejected. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigIT {
    private static final String LOGGER = "goflow.impl.osgi.Configured";

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin cm;

    @Inject
    private Registry registry;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            log.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @Configuration
    public Option[] config() {
        return options(Runtime.goflowWithShell(), Runtime.exam());
    }

    /** Held strongly: JUL keeps loggers only weakly. */
    private Logger logger;

    /** Captures the rejections the tests provoke, instead of printing them as errors. */
    @Before
    public void captureLog() {
        logger = Logger.getLogger(LOGGER);
        logger.addHandler(capture);
        logger.setUseParentHandlers(false);
    }

    @After
    public void stopCapture() {
        logger.removeHandler(capture);
        logger.setUseParentHandlers(true);
    }

    private static Dictionary<String, Object> props(Object... kv) {
        Dictionary<String, Object> d = new Hashtable<>();
        for (int i = 0; i < kv.length; i += 2) {
            d.put((String) kv[i], kv[i + 1]);
        }
        return d;
    }

    private org.osgi.service.cm.Configuration factory(String factoryPid, String name) throws Exception {
        return cm.getFactoryConfiguration(factoryPid, name, "?");
    }

    private <T> T awaitService(Class<T> type, String name) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - end < 0) {
            T s = service(type, name);
            if (s != null) {
                return s;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + type.getSimpleName() + " service with goflow.name=" + name);
    }

    private <T> T service(Class<T> type, String name) throws Exception {
        for (ServiceReference<T> ref : context.getServiceReferences(type, "(goflow.name=" + name + ")")) {
            return context.getService(ref);
        }
        return null;
    }

    private void awaitGone(Class<?> type, String name) throws Exception {
        RuntimeIT.await(() -> {
            try {
                return service(type, name) == null && registry.find(name).isEmpty();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void awaitLog(String fragment) throws InterruptedException {
        RuntimeIT.await(() -> log.stream().anyMatch(m -> m.contains(fragment)));
    }

    @Test
    public void tokenBucketIsCreatedChangedLiveAndDeleted() throws Exception {
        org.osgi.service.cm.Configuration c = factory("goflow.tokenbucket", "cfg-api");
        c.update(props("rate", 100.0, "burst", 200L));
        RateLimiter api = awaitService(RateLimiter.class, "cfg-api");
        assertEquals(100.0, api.rate().eventsPerSecond(), 0.0);
        assertEquals(200, api.burst());
        assertEquals("goflow.tokenbucket~cfg-api", registry.snapshot().stream()
                .filter(r -> r.name().equals("cfg-api")).findFirst().orElseThrow().owner());
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName mbean = new javax.management.ObjectName("goflow:type=token-bucket,name=cfg-api");
        assertEquals(200L, jmx.getAttribute(mbean, "burst"));
        assertEquals("goflow.tokenbucket~cfg-api", jmx.getAttribute(mbean, "Owner"));

        c.update(props("rate", 50.0, "burst", 20L));
        RuntimeIT.await(() -> api.rate().eventsPerSecond() == 50.0 && api.burst() == 20);
        assertSame("changed live, not recreated", api, service(RateLimiter.class, "cfg-api"));

        c.update(props("rate", 60.0, "burst", 0L));
        awaitLog("property 'burst' = 0");
        assertEquals("a rejected change changes nothing", 50.0, api.rate().eventsPerSecond(), 0.0);
        assertEquals(20, api.burst());
        assertSame(api, service(RateLimiter.class, "cfg-api"));

        c.delete();
        awaitGone(RateLimiter.class, "cfg-api");
        RuntimeIT.await(() -> !jmx.isRegistered(mbean));
        assertEquals(List.of(), registry.snapshot().stream().filter(r -> r.name().equals("cfg-api")).map(r -> r.owner())
                .collect(java.util.stream.Collectors.toList()));
    }

    @Test
    public void workerPoolIsCreatedResizedLiveAndShutDownOnDelete() throws Exception {
        org.osgi.service.cm.Configuration c = factory("goflow.workerpool", "cfg-pool");
        c.update(props("workers", 2, "queueCapacity", 10));
        WorkerPool pool = awaitService(WorkerPool.class, "cfg-pool");
        assertEquals(2, pool.workers());
        assertEquals(10, pool.queueCapacity());
        RuntimeIT.await(() -> RuntimeIT.threads("goflow-worker-pool-cfg-pool-").size() == 2);
        assertEquals("ran", pool.submit(ctx -> "ran").get(10, TimeUnit.SECONDS).value());

        c.update(props("workers", 3, "queueCapacity", 10));
        RuntimeIT.await(() -> pool.workers() == 3);
        RuntimeIT.await(() -> RuntimeIT.threads("goflow-worker-pool-cfg-pool-").size() == 3);
        assertSame("resized live, not recreated", pool, service(WorkerPool.class, "cfg-pool"));

        c.update(props("workers", 3, "queueCapacity", 20));
        RuntimeIT.await(() -> {
            try {
                WorkerPool now = service(WorkerPool.class, "cfg-pool");
                return now != null && now != pool && now.queueCapacity() == 20;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue("the replaced pool was shut down", pool.isTerminated());

        c.delete();
        awaitGone(WorkerPool.class, "cfg-pool");
        RuntimeIT.await(() -> RuntimeIT.threads("goflow-worker-pool-cfg-pool-").isEmpty());
    }

    @Test
    public void leakyBucketAndConcurrencyLimiter() throws Exception {
        org.osgi.service.cm.Configuration lb = factory("goflow.leakybucket", "cfg-leaky");
        lb.update(props("leakRate", 5.0, "capacity", 10L));
        LeakyBucket leaky = awaitService(LeakyBucket.class, "cfg-leaky");
        lb.update(props("leakRate", 7.0, "capacity", 4L));
        RuntimeIT.await(() -> leaky.capacity() == 4 && leaky.rate().eventsPerSecond() == 7.0);

        org.osgi.service.cm.Configuration cl = factory("goflow.concurrencylimiter", "cfg-db");
        cl.update(props("capacity", 8));
        ConcurrencyLimiter db = awaitService(ConcurrencyLimiter.class, "cfg-db");
        cl.update(props("capacity", 3));
        RuntimeIT.await(() -> db.capacity() == 3);
        assertSame(db, service(ConcurrencyLimiter.class, "cfg-db"));
        assertTrue(service(Primitive.class, "cfg-db") instanceof ConcurrencyLimiter);

        lb.delete();
        cl.delete();
        awaitGone(LeakyBucket.class, "cfg-leaky");
        awaitGone(ConcurrencyLimiter.class, "cfg-db");
    }

    @Test
    public void invalidConfigurationsAreRejectedNamingThePropertyAndLeaveNothing() throws Exception {
        org.osgi.service.cm.Configuration bad = factory("goflow.tokenbucket", "cfg-bad");
        bad.update(props("rate", -1.0, "burst", 5L));
        awaitLog("goflow.tokenbucket~cfg-bad (factory goflow.tokenbucket) rejected: property 'rate' = -1.0");
        assertNull(service(RateLimiter.class, "cfg-bad"));
        assertTrue(registry.find("cfg-bad").isEmpty());

        org.osgi.service.cm.Configuration pool = factory("goflow.workerpool", "cfg-bad-pool");
        pool.update(props("workers", 0));
        awaitLog("property 'workers' = 0");
        pool.update(props("workers", 1, "taskTimeout", "5 seconds"));
        awaitLog("property 'taskTimeout' = 5 seconds must be an ISO-8601 duration");
        assertNull(service(WorkerPool.class, "cfg-bad-pool"));
        assertTrue(RuntimeIT.threads("goflow-worker-pool-cfg-bad-pool-").isEmpty());

        org.osgi.service.cm.Configuration badName = factory("goflow.concurrencylimiter", "cfg-x");
        badName.update(props("name", "has space", "capacity", 2));
        awaitLog("property 'name' = has space");

        bad.update(props("rate", 1.0, "burst", 5L));
        RateLimiter fixed = awaitService(RateLimiter.class, "cfg-bad");
        assertEquals(5, fixed.burst());
        bad.delete();
        pool.delete();
        badName.delete();
        awaitGone(RateLimiter.class, "cfg-bad");
    }

    @Test
    public void schedulerIsStartedResizedLiveAndStoppedOnDelete() throws Exception {
        org.osgi.service.cm.Configuration c = factory("goflow.scheduler", "cfg-jobs");
        c.update(props("workers", 1, "zone", "UTC"));
        Scheduler jobs = awaitService(Scheduler.class, "cfg-jobs");
        assertTrue(jobs.isRunning());
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        jobs.once(java.time.Duration.ofMillis(10), ctx -> ran.countDown());
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        WorkerPool own = registry.find("cfg-jobs-pool", WorkerPool.class).orElseThrow();
        c.update(props("workers", 3, "zone", "UTC"));
        RuntimeIT.await(() -> own.workers() == 3);
        assertSame(jobs, service(Scheduler.class, "cfg-jobs"));

        c.update(props("workers", 3, "zone", "Mars/Olympus"));
        awaitLog("property 'zone' = Mars/Olympus must be a time zone id");
        Scheduler again = awaitService(Scheduler.class, "cfg-jobs");
        assertTrue("the last valid configuration stays in effect", again.isRunning());
        assertEquals(1, RuntimeIT.threads("goflow-scheduler-cfg-jobs-").size());
        c.delete();
        awaitGone(Scheduler.class, "cfg-jobs");
        assertTrue(!again.isRunning());
        RuntimeIT.await(() -> RuntimeIT.threads("goflow-scheduler-cfg-jobs").isEmpty()
                && RuntimeIT.threads("goflow-worker-pool-cfg-jobs").isEmpty());
    }

    @Test
    public void pipelineOfStagePluginsFollowsThemAtRunTime() throws Exception {
        ServiceRegistration<?> upper = stage("upper", s -> s.toUpperCase(java.util.Locale.ROOT));
        ServiceRegistration<?> exclaim = stage("exclaim", s -> s + "!");
        org.osgi.service.cm.Configuration c = factory("goflow.pipeline", "cfg-text");
        try {
            c.update(props("stages", new String[] {"upper", "exclaim"}, "timeout", "PT10S"));
            @SuppressWarnings("unchecked")
            Pipeline<Object, Object> text = awaitService(Pipeline.class, "cfg-text");
            assertEquals(List.of("upper", "exclaim"), text.stageNames());
            assertEquals("HI!", text.execute("hi").orElseThrow());

            exclaim.unregister();
            PipelineResult<Object, Object> missing = text.execute("hi");
            assertTrue(missing.failed());
            assertEquals("exclaim", missing.failedStage().orElseThrow().stageName());
            assertTrue(missing.error().toString(), missing.error() instanceof StageNotFoundException);

            exclaim = stage("exclaim", s -> s + "?");
            assertEquals("HI?", text.execute("hi").orElseThrow());

            c.update(props("stages", new String[] {"exclaim"}));
            RuntimeIT.await(() -> {
                try {
                    Pipeline<?, ?> now = service(Pipeline.class, "cfg-text");
                    return now != null && now.stageNames().equals(List.of("exclaim"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            c.update(props("stages", new String[0]));
            awaitLog("goflow.pipeline~cfg-text (factory goflow.pipeline) rejected: property 'stages'");
            @SuppressWarnings("unchecked")
            Pipeline<Object, Object> kept = awaitService(Pipeline.class, "cfg-text");
            assertEquals("the last valid configuration stays in effect", "hi?", kept.execute("hi").orElseThrow());
            c.delete();
            awaitGone(Pipeline.class, "cfg-text");
        } finally {
            try {
                c.delete();
            } catch (IllegalStateException alreadyDeleted) {
                // deleted by the test
            }
            upper.unregister();
            exclaim.unregister();
        }
    }

    @Test
    public void aStagePluginUnregisteredMidRunLetsTheInFlightItemFinish() throws Exception {
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ServiceRegistration<?> slow = stage("slow", s -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return s + " done";
        });
        org.osgi.service.cm.Configuration c = factory("goflow.pipeline", "cfg-slow");
        try {
            c.update(props("stages", new String[] {"slow"}));
            @SuppressWarnings("unchecked")
            Pipeline<Object, Object> p = awaitService(Pipeline.class, "cfg-slow");
            java.util.concurrent.CompletableFuture<PipelineResult<Object, Object>> running =
                    p.executeAsync(goflow.api.context.Context.background(), "item");
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            slow.unregister();
            release.countDown();
            assertEquals("item done", running.get(10, TimeUnit.SECONDS).orElseThrow());
            PipelineResult<Object, Object> after = p.execute("next");
            assertTrue(after.error() instanceof StageNotFoundException);
        } finally {
            c.delete();
            release.countDown();
        }
        awaitGone(Pipeline.class, "cfg-slow");
    }

    private ServiceRegistration<?> stage(String name, java.util.function.UnaryOperator<String> fn) {
        Stage<String, String> stage = Stage.of(name, (ThrowingFunction<String, String>) fn::apply);
        return context.registerService(Stage.class, stage, props(Stage.NAME_PROPERTY, name));
    }
}
