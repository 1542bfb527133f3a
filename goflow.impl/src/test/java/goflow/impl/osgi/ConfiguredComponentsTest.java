package goflow.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.BundleContext;

import goflow.api.inspect.PrimitiveInfo;
import goflow.api.pipeline.Pipeline;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.schedule.Scheduler;
import goflow.impl.testing.LogCapture;
import goflow.impl.testing.NoThreadLeaks;

class ConfiguredComponentsTest extends NoThreadLeaks.LeakCheckedTest {
    private final List<Fakes.Registered> registered = Fakes.registrations();
    private final BundleContext context = Fakes.context(registered);
    private final LiveRegistry live = new LiveRegistry();
    @RegisterExtension
    final LogCapture logCapture = new LogCapture(Configured.class.getName());
    private final List<String> log = logCapture.lines();

    private Object only() {
        assertEquals(1, registered.size(), registered.toString());
        return registered.get(0).service();
    }

    private List<String> rows() {
        return live.snapshot().stream().map(r -> r.name() + "@" + r.owner()).collect(Collectors.toList());
    }

    private List<String> logged(String level, String fragment) {
        return log.stream().filter(m -> m.startsWith(level + " ") && m.contains(fragment)).collect(Collectors.toList());
    }

    private Fakes.Registered named(String name) {
        List<Fakes.Registered> found = registered.stream().filter(r -> name.equals(r.property("goflow.name")))
                .collect(Collectors.toList());
        assertEquals(1, found.size(), "services named " + name + ": " + registered);
        return found.get(0);
    }

    @Test
    void tokenBucketLifecycle() {
        String pid = TokenBucketConfig.PID;
        TokenBucketComponent c = new TokenBucketComponent(context, Fakes.props(pid, "api", "rate", 100.0, "burst", 200L),
                live);
        RateLimiter api = (RateLimiter) only();
        assertEquals("api", registered.get(0).property("goflow.name"));
        assertEquals("token-bucket", registered.get(0).property("goflow.kind"));
        assertEquals(List.of(RateLimiter.class.getName(), goflow.api.Primitive.class.getName()),
                registered.get(0).classes());
        assertEquals(List.of("api@goflow.tokenbucket~api"), rows());

        c.modified(Fakes.props(pid, "api", "rate", 50.0, "burst", 20L));
        assertSame(api, only(), "live change");
        assertEquals(50.0, api.rate().eventsPerSecond());
        assertEquals(20, api.burst());

        c.modified(Fakes.props(pid, "api", "rate", 60.0, "burst", 0L));
        assertTrue(log.contains("SEVERE goflow: configuration goflow.tokenbucket~api (factory goflow.tokenbucket) "
                + "rejected: property 'burst' = 0 must be positive (burst is the number of tokens that can be taken "
                + "at once)"), log.toString());
        assertSame(api, only());
        assertEquals(50.0, api.rate().eventsPerSecond(), "the rate applied before the bad burst is undone");
        assertEquals(20, api.burst());

        c.modified(Fakes.props(pid, "api", "name", "api2", "rate", 5.0, "burst", 5L));
        RateLimiter api2 = (RateLimiter) only();
        assertNotSame(api, api2);
        assertEquals("api2", api2.name());
        assertEquals(List.of("api2@goflow.tokenbucket~api"), rows());

        c.modified(Fakes.props(pid, "api", "name", "bad name", "rate", 5.0, "burst", 5L));
        RateLimiter kept = (RateLimiter) only();
        assertEquals("api2", kept.name(), "the last valid configuration stays in effect");
        assertEquals(5, kept.burst());

        c.deactivate();
        assertEquals(List.of(), registered);
        assertEquals(List.of(), rows());
    }

    @Test
    void adaptiveLimiterFromConfigurationWithAlgorithmPartitionsAndRecreation() throws Exception {
        String pid = AdaptiveLimiterConfig.PID;
        AdaptiveLimiterComponent c = new AdaptiveLimiterComponent(context, Fakes.props(pid, "db", "algorithm", " AIMD",
                "aimdBackoffRatio", 0.5, "aimdIncrease", 2L, "aimdTimeout", "PT0.2S", "minLimit", 2, "maxLimit", 40, "initialLimit", 10,
                "windowTime", "PT0.5S", "partitions", new String[] {"batch=0.25", " interactive = 1 "}), live);
        AdaptiveLimiter db = (AdaptiveLimiter) only();
        assertEquals(List.of(AdaptiveLimiter.class.getName(), goflow.api.ratelimit.ConcurrencyGate.class.getName(),
                goflow.api.Primitive.class.getName()), registered.get(0).classes());
        assertEquals("adaptive-limiter", registered.get(0).property("goflow.kind"));
        assertEquals(new goflow.api.ratelimit.AimdLimit(0.5, 2, java.time.Duration.ofMillis(200)), db.algorithm());
        assertEquals(10, db.limit());
        // the batch partition holds at most floor(10 * 0.25) = 2 of the 10 permits
        goflow.api.ratelimit.Permit a = db.tryAcquirePermit("batch").orElseThrow();
        goflow.api.ratelimit.Permit b = db.tryAcquirePermit("batch").orElseThrow();
        assertTrue(db.tryAcquirePermit("batch").isEmpty(), "the batch share is taken");
        goflow.api.ratelimit.Permit i = db.tryAcquirePermit("interactive").orElseThrow();
        a.ignore();
        b.ignore();
        i.ignore();

        c.modified(Fakes.props(pid, "db", "algorithm", "annealing"));
        assertEquals(1, logged("SEVERE", "goflow.adaptivelimiter~db (factory goflow.adaptivelimiter) rejected: "
                + "property 'algorithm' = annealing must be gradient, vegas or aimd").size(), log.toString());
        assertSame(db, only(), "a rejected change keeps the limiter");
        c.modified(Fakes.props(pid, "db", "partitions", new String[] {"batch:0.2"}));
        assertEquals(1, logged("SEVERE", "property 'partitions' = batch:0.2 must be name=share").size(), log.toString());
        c.modified(Fakes.props(pid, "db", "minLimit", 50, "maxLimit", 40));
        assertEquals(1, logged("SEVERE", "rejected: property 'maxLimit'").size(), log.toString());
        c.modified(Fakes.props(pid, "db", "aimdTimeout", "5s", "algorithm", "aimd"));
        assertEquals(1, logged("SEVERE", "property 'aimdTimeout' = 5s must be an ISO-8601 duration").size(),
                log.toString());
        assertSame(db, only());

        c.modified(Fakes.props(pid, "db", "algorithm", "vegas", "vegasAlpha", 2.0, "vegasBeta", 4.0, "maxLimit", 30));
        AdaptiveLimiter recreated = (AdaptiveLimiter) only();
        assertNotSame(db, recreated);
        org.junit.jupiter.api.Assertions.assertThrows(goflow.api.ClosedException.class, db::tryAcquirePermit,
                "the replaced limiter is closed");
        assertEquals(new goflow.api.ratelimit.VegasLimit(2, 4), recreated.algorithm());
        assertTrue(recreated.stats().probing(), "vegas measures the no-load latency first");
        assertEquals(List.of("db@goflow.adaptivelimiter~db"), rows());
        Map<String, Object> vegas = Fakes.props(pid, "db", "algorithm", "vegas", "vegasAlpha", 2.0, "vegasBeta", 4.0,
                "maxLimit", 30);
        c.modified(vegas);
        assertSame(recreated, only(), "an update that changes nothing keeps the limiter and its learned limit");
        recreated.close(); // by a user of its service
        c.modified(vegas);
        AdaptiveLimiter reopened = (AdaptiveLimiter) only();
        assertNotSame(recreated, reopened, "a limiter closed by a user of its service is recreated by the next update");
        reopened.tryAcquirePermit().orElseThrow().ignore();
        assertEquals(List.of("db@goflow.adaptivelimiter~db"), rows());
        c.deactivate();
        org.junit.jupiter.api.Assertions.assertThrows(goflow.api.ClosedException.class, reopened::tryAcquirePermit);
        assertEquals(List.of(), registered);
    }

    @Test
    void anAdaptiveLimiterRejectionNamesTheConfigurationPropertyNotTheBuilderField() {
        String pid = AdaptiveLimiterConfig.PID;
        AdaptiveLimiterComponent c = new AdaptiveLimiterComponent(context, Fakes.props(pid, "db"), live);
        AdaptiveLimiter db = (AdaptiveLimiter) only();
        for (Object[] bad : new Object[][] {
            {"vegasAlpha", "vegasAlpha' = -1.0 must be a positive number", "algorithm", "vegas", "vegasAlpha", -1.0},
            {"vegasBeta", "vegasBeta' = 1.0 must be a number above", "algorithm", "vegas", "vegasBeta", 1.0},
            {"aimdBackoffRatio", "aimdBackoffRatio' = 2.0 must be between 0 and 1", "algorithm", "aimd",
                "aimdBackoffRatio", 2.0},
            {"aimdIncrease", "aimdIncrease' = 0 must be at least 1", "algorithm", "aimd", "aimdIncrease", 0},
            {"aimdTimeout", "aimdTimeout' = PT-1S must be positive", "algorithm", "aimd", "aimdTimeout", "PT-1S"},
            {"gradientBuffer", "gradientBuffer' = 2.0 must be from 0 to 1", "gradientBuffer", 2.0},
            {"gradientRefreshWindows", "gradientRefreshWindows' = 1 must be at least 2", "gradientRefreshWindows", 1},
            {"windowTime", "windowTime' = PT0S must be positive", "windowTime", "PT0S"},
            {"windowSamples", "windowSamples' = 0 must be positive", "windowSamples", 0},
            {"partitions", "partitions' = batch=2 has a share", "partitions", new String[] {"batch=2"}},
            {"partitions", "partitions' = =0.5 has a name", "partitions", new String[] {"=0.5"}},
            {"partitions", "partitions' = batch=0.2 names a partition", "partitions",
                new String[] {"batch=0.5", "batch=0.2"}}}) {
            Map<String, Object> props = Fakes.props(pid, "db");
            for (int i = 2; i < bad.length; i += 2) {
                props.put((String) bad[i], bad[i + 1]);
            }
            c.modified(props);
            assertEquals(1, logged("SEVERE", "goflow.adaptivelimiter~db (factory goflow.adaptivelimiter) rejected: "
                    + "property '" + bad[1]).size(), bad[0] + ": " + log);
            log.clear();
            assertSame(db, only());
        }
        c.deactivate();
    }

    @Test
    void anEmptyRequiredDurationIsNotToldThatEmptyMeansNone() {
        SchedulerComponent s = new SchedulerComponent(context, Fakes.props(SchedulerConfig.PID, "jobs",
                "leases", "redis", "leaseTtl", ""), live);
        AdaptiveLimiterComponent a = new AdaptiveLimiterComponent(context, Fakes.props(AdaptiveLimiterConfig.PID,
                "db", "windowTime", " "), live);
        AdaptiveLimiterComponent b = new AdaptiveLimiterComponent(context, Fakes.props(AdaptiveLimiterConfig.PID,
                "db2", "algorithm", "aimd", "aimdTimeout", ""), live);
        WorkerPoolComponent w = new WorkerPoolComponent(context, Fakes.props(WorkerPoolConfig.PID, "io",
                "taskTimeout", "5s"), live);
        assertEquals(List.of(
                "SEVERE goflow: configuration goflow.scheduler~jobs (factory goflow.scheduler) rejected: "
                        + "property 'leaseTtl' =  must be an ISO-8601 duration (for example PT5S or PT0.5S)",
                "SEVERE goflow: configuration goflow.adaptivelimiter~db (factory goflow.adaptivelimiter) rejected: "
                        + "property 'windowTime' =   must be an ISO-8601 duration (for example PT5S or PT0.5S)",
                "SEVERE goflow: configuration goflow.adaptivelimiter~db2 (factory goflow.adaptivelimiter) rejected: "
                        + "property 'aimdTimeout' =  must be an ISO-8601 duration (for example PT5S or PT0.5S)",
                "SEVERE goflow: configuration goflow.workerpool~io (factory goflow.workerpool) rejected: "
                        + "property 'taskTimeout' = 5s must be an ISO-8601 duration (for example PT5S or PT0.5S; "
                        + "empty for none)"), logged("SEVERE", ""));
        log.clear();
        s.modified(Fakes.props(SchedulerConfig.PID, "jobs", "stopTimeout", "5s"));
        assertEquals(List.of("SEVERE goflow: configuration goflow.scheduler~jobs (factory goflow.scheduler) rejected: "
                + "property 'stopTimeout' = 5s must be an ISO-8601 duration (for example PT5S or PT0.5S; empty for "
                + "the default)"), logged("SEVERE", ""));
        assertEquals(List.of(), registered);
        s.deactivate();
        a.deactivate();
        b.deactivate();
        w.deactivate();
    }

    @Test
    void aConfiguredPrimitiveIsClosedWithTheGraceOfTheFrameworkProperty() throws Exception {
        List<String> closing = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                closing.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger boundedClose = java.util.logging.Logger.getLogger(BoundedClose.class.getName());
        boundedClose.addHandler(handler);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try {
            BundleContext withGrace = Fakes.context(registered, Map.of("goflow.stop.grace", "PT0.2S"));
            WorkerPoolComponent c = new WorkerPoolComponent(withGrace,
                    Fakes.props(WorkerPoolConfig.PID, "stuck", "workers", 1), live);
            WorkerPool pool = (WorkerPool) only();
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            pool.execute(() -> {
                started.countDown();
                while (true) { // ignores interrupts until the test lets it go
                    try {
                        if (release.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                            return;
                        }
                    } catch (InterruptedException ignored) {
                        // a task that ignores interrupts
                    }
                }
            });
            assertTrue(started.await(30, java.util.concurrent.TimeUnit.SECONDS));
            c.deactivate();
            assertTrue(closing.stream().anyMatch(m -> m.contains("worker-pool 'stuck'")
                    && m.contains("still running after the grace of PT0.2S")), closing.toString());
        } finally {
            release.countDown();
            boundedClose.removeHandler(handler);
        }
    }

    @Test
    void maxWorkersBoundsTheLiveResizeAndAChangeRecreatesThePool() {
        String pid = WorkerPoolConfig.PID;
        WorkerPoolComponent c = new WorkerPoolComponent(context, Fakes.props(pid, "io", "workers", 2, "maxWorkers", 4),
                live);
        WorkerPool io = (WorkerPool) only();
        assertEquals(4, io.maxWorkers());
        c.modified(Fakes.props(pid, "io", "workers", 3, "maxWorkers", 4));
        assertSame(io, only());
        assertEquals(3, io.workers(), "a resize within maxWorkers is live");
        c.modified(Fakes.props(pid, "io", "workers", 5, "maxWorkers", 4));
        assertEquals(1, logged("SEVERE", "goflow.workerpool~io (factory goflow.workerpool) rejected: property "
                + "'workers' = 5").size(), log.toString());
        assertSame(io, only());
        assertEquals(3, io.workers(), "a resize beyond maxWorkers is refused and the pool keeps its size");
        c.modified(Fakes.props(pid, "io", "workers", 5, "maxWorkers", 8));
        WorkerPool bigger = (WorkerPool) only();
        assertNotSame(io, bigger);
        assertEquals(8, bigger.maxWorkers());
        assertEquals(5, bigger.workers());
        c.deactivate();
    }

    @Test
    void measureTaskTimesIsReadAsABooleanAndAChangeRecreatesThePool() {
        String pid = WorkerPoolConfig.PID;
        WorkerPoolComponent c = new WorkerPoolComponent(context, Fakes.props(pid, "io", "workers", 1), live);
        WorkerPool timed = (WorkerPool) only();
        assertTrue(timed.stats().taskTimesMeasured(), "measured by default");
        c.modified(Fakes.props(pid, "io", "workers", 1, "measureTaskTimes", "sometimes"));
        assertEquals(1, logged("SEVERE", "property 'measureTaskTimes' = sometimes must be true or false").size(),
                log.toString());
        assertSame(timed, only(), "a value of the wrong type changes nothing");
        c.modified(Fakes.props(pid, "io", "workers", 1, "measureTaskTimes", "false"));
        WorkerPool untimed = (WorkerPool) only();
        assertNotSame(timed, untimed, "the pool is recreated");
        assertTrue(timed.isShutdown());
        assertFalse(untimed.stats().taskTimesMeasured());
        assertNull(untimed.stats().maxTaskTime());
        assertFalse(untimed.stats().toMap().containsKey("averageTaskTime"));
        c.deactivate();
    }

    @Test
    void invalidFirstConfigurationCreatesNothingUntilCorrected() {
        String pid = TokenBucketConfig.PID;
        TokenBucketComponent c = new TokenBucketComponent(context, Fakes.props(pid, "bad", "rate", -1.0), live);
        assertTrue(log.stream().anyMatch(m -> m.contains("rejected: property 'rate' = -1.0 must not be negative")),
                log.toString());
        assertEquals(List.of(), registered);
        assertEquals(List.<PrimitiveInfo>of(), live.snapshot());
        c.modified(Fakes.props(pid, "bad", "rate", -2.0));
        assertEquals(List.of(), registered);
        c.modified(Fakes.props(pid, "bad", "rate", 1.0, "burst", 3L));
        assertEquals(3, ((RateLimiter) only()).burst());
        c.deactivate();
        assertEquals(List.of(), registered);
    }

    @Test
    void valuesOfTheWrongTypeAreRejectedNamingThePropertyAndACorrectedConfigurationIsApplied() throws Exception {
        String pid = WorkerPoolConfig.PID;
        WorkerPoolComponent c = new WorkerPoolComponent(context, Fakes.props(pid, "io", "workers", "two"), live);
        assertEquals(List.of("SEVERE goflow: configuration goflow.workerpool~io (factory goflow.workerpool) rejected: "
                + "property 'workers' = two must be a whole number from -2147483648 to 2147483647 (digits only, "
                + "for example 4)"), logged("SEVERE", ""));
        assertEquals(List.of(), registered);
        assertEquals(List.of(), rows());

        c.modified(Fakes.props(pid, "io", "workers", " 2 ", "queueCapacity", "10", "virtualThreads", "False"));
        WorkerPool io = (WorkerPool) only();
        assertEquals(2, io.workers());
        assertEquals(10, io.queueCapacity());

        c.modified(Fakes.props(pid, "io", "workers", "3000000000", "queueCapacity", "10", "virtualThreads", "False"));
        assertEquals(1, logged("SEVERE", "property 'workers' = 3000000000 must be a whole number from").size(), log.toString());
        c.modified(Fakes.props(pid, "io", "workers", "2", "queueCapacity", "10", "virtualThreads", "no"));
        assertEquals(1, logged("SEVERE", "property 'virtualThreads' = no must be true or false").size(), log.toString());
        assertSame(io, only(), "an update of the wrong type changes nothing");
        assertEquals(2, io.workers());

        c.modified(Fakes.props(pid, "io", "workers", 3L, "queueCapacity", "10", "virtualThreads", false));
        assertSame(io, only());
        assertEquals(3, io.workers(), "a Long for an int property converts when it fits");
        c.deactivate();
        assertTrue(io.isTerminated());
    }

    @Test
    void aNonBooleanIsRejectedNotReadAsFalse() {
        String pid = ConcurrencyLimiterConfig.PID;
        ConcurrencyLimiterComponent c = new ConcurrencyLimiterComponent(context,
                Fakes.props(pid, "db", "capacity", "2", "fair", "maybe"), live);
        assertEquals(1, logged("SEVERE", "goflow.concurrencylimiter~db (factory goflow.concurrencylimiter) rejected: "
                + "property 'fair' = maybe must be true or false").size(), log.toString());
        assertEquals(List.of(), registered);
        c.modified(Fakes.props(pid, "db", "capacity", "2", "fair", "TRUE"));
        assertTrue(((ConcurrencyLimiter) only()).isFair());
        // found by whoever asks for any gate, as an adaptive limiter is
        assertEquals(List.of(ConcurrencyLimiter.class.getName(), goflow.api.ratelimit.ConcurrencyGate.class.getName(),
                goflow.api.Primitive.class.getName()), registered.get(0).classes());
        c.deactivate();
    }

    @Test
    void workerPoolResizesLiveAndRecreatesOtherwise() throws Exception {
        String pid = WorkerPoolConfig.PID;
        WorkerPoolComponent c = new WorkerPoolComponent(context, Fakes.props(pid, "io", "workers", 2,
                "queueCapacity", 10), live);
        WorkerPool io = (WorkerPool) only();
        assertEquals(List.of(WorkerPool.class.getName(), java.util.concurrent.Executor.class.getName(),
                goflow.api.Primitive.class.getName()), registered.get(0).classes());
        assertEquals("ran", io.submit(ctx -> "ran").get().value());

        c.modified(Fakes.props(pid, "io", "workers", 3, "queueCapacity", 10));
        assertSame(io, only());
        assertEquals(3, io.workers());

        c.modified(Fakes.props(pid, "io", "workers", 3, "queueCapacity", 20, "onQueueFull", "reject"));
        WorkerPool io2 = (WorkerPool) only();
        assertNotSame(io, io2);
        assertTrue(io.isTerminated(), "the replaced pool completed and stopped");
        assertEquals(20, io2.queueCapacity());

        c.modified(Fakes.props(pid, "io", "workers", 3, "queueCapacity", 20, "onQueueFull", "drop"));
        WorkerPool io3 = (WorkerPool) only();
        assertEquals(20, io3.queueCapacity(), "rejected: rebuilt from the last valid configuration");
        c.deactivate();
        assertEquals(List.of(), registered);
        assertTrue(io3.isTerminated());
    }

    @Test
    void aPrimitiveClosedByAUserOfItsServiceIsRecreatedByTheNextUpdateNotThrownToDs() throws Exception {
        String pid = WorkerPoolConfig.PID;
        WorkerPoolComponent c = new WorkerPoolComponent(context, Fakes.props(pid, "io", "workers", 2), live);
        WorkerPool io = (WorkerPool) only();
        io.close(); // a bundle that got the WorkerPool service closes it at its own stop
        c.modified(Fakes.props(pid, "io", "workers", 3)); // a live change: threw ClosedException to DS
        WorkerPool io2 = (WorkerPool) only();
        assertNotSame(io, io2, "the closed pool is replaced");
        assertFalse(io2.isShutdown());
        assertEquals(3, io2.workers());
        assertEquals("ran", io2.submit(ctx -> "ran").get().value());
        assertEquals(List.of("io@goflow.workerpool~io"), rows());
        assertEquals(1, logged("WARNING", "goflow.workerpool~io (factory goflow.workerpool): its worker-pool 'io' "
                + "could not be updated live (goflow.api.ClosedException: worker-pool 'io' is shut down: cannot set "
                + "workers); it is recreated").size(), log.toString());

        TokenBucketComponent t = new TokenBucketComponent(context, Fakes.props(TokenBucketConfig.PID, "api",
                "rate", 5.0), live);
        RateLimiter api = (RateLimiter) named("api").service();
        api.close();
        t.modified(Fakes.props(TokenBucketConfig.PID, "api", "rate", 6.0));
        RateLimiter api2 = (RateLimiter) named("api").service();
        assertNotSame(api, api2);
        assertEquals(6.0, api2.rate().eventsPerSecond());
        assertTrue(api2.allow());
        t.deactivate();
        c.deactivate();
        assertEquals(List.of(), registered);
    }

    @Test
    void aRejectedChangeOfAPoolLeavesItAndItsRunningTasksUndisturbed() throws Exception {
        String pid = WorkerPoolConfig.PID;
        WorkerPoolComponent c = new WorkerPoolComponent(context, Fakes.props(pid, "io", "workers", 1), live);
        WorkerPool io = (WorkerPool) only();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        var running = io.submit(ctx -> release.await(1, java.util.concurrent.TimeUnit.MINUTES));
        for (Object[] bad : new Object[][] {{"onQueueFull", "drop"}, {"taskTimeout", "5s"}, {"queueCapacity", -1},
            {"maxWorkers", 0}, {"maxWorkers", 2, "workers", 3}}) {
            Map<String, Object> props = Fakes.props(pid, "io", "workers", 1);
            for (int i = 0; i < bad.length; i += 2) {
                props.put((String) bad[i], bad[i + 1]);
            }
            c.modified(props);
            assertEquals(1, logged("SEVERE", "goflow.workerpool~io (factory goflow.workerpool) rejected: property '"
                    + (bad.length > 2 ? "workers" : bad[0]) + "'").size(), log.toString());
            log.clear();
            assertSame(io, only(), "rejected " + List.of(bad) + ": the pool in effect goes on");
            assertFalse(io.isShutdown());
            assertFalse(running.isDone(), "its running task is neither waited for nor interrupted");
        }
        release.countDown();
        running.get();
        c.deactivate();
        assertEquals(List.of(), registered);
    }

    @Test
    void unnamedFactoryConfigurationsGetDistinctGeneratedNamesKeptAcrossRebuilds() {
        Map<String, Object> first = Map.of("service.pid", "goflow.tokenbucket.4711", "service.factoryPid",
                TokenBucketConfig.PID);
        Map<String, Object> second = Map.of("service.pid", "goflow.tokenbucket.4712", "service.factoryPid",
                TokenBucketConfig.PID, "burst", 3L);
        TokenBucketComponent a = new TokenBucketComponent(context, first, live);
        TokenBucketComponent b = new TokenBucketComponent(context, second, live);
        assertEquals("goflow.tokenbucket.4711", named("token-bucket-1").property("goflow.config.pid"));
        assertEquals("goflow.tokenbucket.4712", named("token-bucket-2").property("goflow.config.pid"));
        a.modified(Map.of("service.pid", "goflow.tokenbucket.4711", "service.factoryPid", TokenBucketConfig.PID,
                "burst", 0L));
        assertEquals(10, ((RateLimiter) named("token-bucket-1").service()).burst(), "rebuilt under the same name");
        a.deactivate();
        b.deactivate();
    }

    @Test
    void aDuplicateNameIsRefusedNamingBothConfigurationsAndAppliedWhenTheFirstIsDeleted() {
        TokenBucketComponent first = new TokenBucketComponent(context,
                Fakes.props(TokenBucketConfig.PID, "a", "name", "t1", "burst", 1L), live);
        TokenBucketComponent second = new TokenBucketComponent(context,
                Fakes.props(TokenBucketConfig.PID, "b", "name", "t1", "burst", 2L), live);
        WorkerPoolComponent otherKind = new WorkerPoolComponent(context,
                Fakes.props(WorkerPoolConfig.PID, "c", "name", "t1", "workers", 1), live);
        assertEquals(List.of("SEVERE goflow: configuration goflow.tokenbucket~b (factory goflow.tokenbucket) rejected: "
                + "property 'name' = t1 is the name of the primitive of configuration goflow.tokenbucket~a; names are "
                + "unique among configured primitives (choose another name, or delete or rename configuration "
                + "goflow.tokenbucket~a; this configuration is applied as soon as the name is free)"),
                logged("SEVERE", "goflow.tokenbucket~b"));
        assertEquals(1, logged("SEVERE", "goflow.workerpool~c (factory goflow.workerpool) rejected: property 'name' = t1 "
                + "is the name of the primitive of configuration goflow.tokenbucket~a").size(), log.toString());
        assertEquals(1, ((RateLimiter) only()).burst());
        assertEquals(List.of("t1@goflow.tokenbucket~a"), rows());

        first.deactivate();
        assertEquals("goflow.tokenbucket~b", named("t1").property("goflow.config.pid"), "the first waiting one");
        assertEquals(2, ((RateLimiter) only()).burst());
        assertEquals(1, logged("SEVERE", "goflow.workerpool~c (factory goflow.workerpool) rejected: property 'name' = t1 "
                + "is the name of the primitive of configuration goflow.tokenbucket~b").size(), log.toString());

        otherKind.modified(Fakes.props(WorkerPoolConfig.PID, "c", "name", "t1", "workers", 2));
        second.modified(Fakes.props(TokenBucketConfig.PID, "b", "name", "t1-renamed", "burst", 2L));
        assertEquals(2, ((WorkerPool) named("t1").service()).workers(), "the updated configuration waited");
        assertEquals("goflow.tokenbucket~b", named("t1-renamed").property("goflow.config.pid"));
        assertEquals(2, registered.size());

        otherKind.deactivate();
        second.deactivate();
        assertEquals(List.of(), registered);
        assertEquals(List.of(), rows());
    }

    @Test
    void aRenameToAHeldOrInvalidNameLeavesThePoolAndItsRunningTaskUndisturbedAndWaitsForTheName() throws Exception {
        // a short grace: a close of the pool would end its running task at once
        BundleContext shortGrace = Fakes.context(registered, Map.of(BoundedClose.GRACE_PROPERTY, "PT0.1S"));
        TokenBucketComponent holder = new TokenBucketComponent(shortGrace,
                Fakes.props(TokenBucketConfig.PID, "a", "name", "taken"), live);
        WorkerPoolComponent c = new WorkerPoolComponent(shortGrace,
                Fakes.props(WorkerPoolConfig.PID, "io", "workers", 1), live);
        WorkerPool io = (WorkerPool) named("io").service();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        var running = io.submit(ctx -> release.await(1, java.util.concurrent.TimeUnit.MINUTES));

        c.modified(Fakes.props(WorkerPoolConfig.PID, "io", "workers", 1, "name", "taken"));
        assertEquals(1, logged("SEVERE", "goflow.workerpool~io (factory goflow.workerpool) rejected: property 'name' = "
                + "taken is the name of the primitive of configuration goflow.tokenbucket~a").size(), log.toString());
        c.modified(Fakes.props(WorkerPoolConfig.PID, "io", "workers", 1, "name", "a b"));
        assertEquals(1, logged("SEVERE", "rejected: property 'name' = a b must not contain whitespace").size(),
                log.toString());
        assertSame(io, named("io").service(), "a refused rename leaves the pool in effect");
        assertFalse(io.isShutdown());
        assertFalse(running.isDone(), "its running task is neither waited for nor interrupted");
        assertEquals(null, live.configuredNames().owner("a b"));

        c.modified(Fakes.props(WorkerPoolConfig.PID, "io", "workers", 1, "name", "taken"));
        holder.deactivate();
        WorkerPool renamed = (WorkerPool) named("taken").service();
        assertNotSame(io, renamed, "applied once the name is free");
        assertEquals("goflow.workerpool~io", live.configuredNames().owner("taken"));
        assertEquals(null, live.configuredNames().owner("io"));
        release.countDown();
        running.get();
        c.deactivate();
        assertEquals(List.of(), registered);
        assertEquals(List.of(), rows());
    }

    @Test
    void aRejectedChangeThatWouldRecreateAPipelineOrALimiterLeavesItInEffect() {
        Plugins plugins = new Plugins();
        plugins.bindStage(goflow.api.pipeline.Stage.of("upper", (String s) -> s.toUpperCase(java.util.Locale.ROOT)),
                Map.of(goflow.api.pipeline.Stage.NAME_PROPERTY, "upper"));
        PipelineComponent pipeline = new PipelineComponent(context, Fakes.props(PipelineConfig.PID, "text", "stages",
                List.of("upper")), live, plugins);
        @SuppressWarnings("unchecked")
        Pipeline<Object, Object> text = (Pipeline<Object, Object>) named("text").service();
        pipeline.modified(Fakes.props(PipelineConfig.PID, "text", "stages", List.of("upper"), "stopOnError", false,
                "timeout", "PT-1S"));
        assertEquals(1, logged("SEVERE", "goflow.pipeline~text (factory goflow.pipeline) rejected: property 'timeout' "
                + "= PT-1S").size(), log.toString());
        pipeline.modified(Fakes.props(PipelineConfig.PID, "text", "stages", List.of()));
        assertEquals(1, logged("SEVERE", "rejected: property 'stages' = [] must name at least one stage").size(),
                log.toString());
        assertSame(text, named("text").service(), "a rejected change leaves the pipeline in effect");
        assertEquals("X", text.execute("x").output(), "and open to its users");

        ConcurrencyLimiterComponent limiter = new ConcurrencyLimiterComponent(context,
                Fakes.props(ConcurrencyLimiterConfig.PID, "db", "capacity", 2), live);
        ConcurrencyLimiter db = (ConcurrencyLimiter) named("db").service();
        assertTrue(db.tryAcquire());
        limiter.modified(Fakes.props(ConcurrencyLimiterConfig.PID, "db", "capacity", 0, "fair", true));
        assertEquals(1, logged("SEVERE", "goflow.concurrencylimiter~db (factory goflow.concurrencylimiter) rejected: "
                + "property 'capacity' = 0").size(), log.toString());
        assertSame(db, named("db").service(), "a rejected change leaves the limiter in effect");
        assertEquals(1, db.inUse(), "with its permits");
        assertTrue(db.tryAcquire());
        db.release(2);

        TokenBucketComponent bucket = new TokenBucketComponent(context,
                Fakes.props(TokenBucketConfig.PID, "api", "burst", 5L), live);
        RateLimiter api = (RateLimiter) named("api").service();
        bucket.modified(Fakes.props(TokenBucketConfig.PID, "api", "name", "api2", "rate", -1.0));
        assertEquals(1, logged("SEVERE", "goflow.tokenbucket~api (factory goflow.tokenbucket) rejected: "
                + "property 'rate' = -1.0").size(), log.toString());
        assertSame(api, named("api").service(), "a rejected rename leaves the bucket in effect");
        assertEquals(null, live.configuredNames().owner("api2"), "and claims no name");
        assertTrue(api.allow(), "and open to its users");

        pipeline.deactivate();
        limiter.deactivate();
        bucket.deactivate();
        assertEquals(List.of(), registered);
        assertEquals(List.of(), rows());
    }

    @Test
    void aPipelineIsNotRecreatedByAnUpdateThatChangesNoneOfItsSettings() {
        Plugins plugins = new Plugins();
        plugins.bindStage(goflow.api.pipeline.Stage.of("upper", (String s) -> s.toUpperCase(java.util.Locale.ROOT)),
                Map.of(goflow.api.pipeline.Stage.NAME_PROPERTY, "upper"));
        PipelineComponent c = new PipelineComponent(context, Fakes.props(PipelineConfig.PID, "text", "stages",
                List.of("upper"), "timeout", "PT5S"), live, plugins);
        @SuppressWarnings("unchecked")
        Pipeline<Object, Object> text = (Pipeline<Object, Object>) only();
        assertEquals("X", text.execute("x").output());

        // Configuration Admin delivers the same settings again (a file touched, a key only a tool reads)
        c.modified(Fakes.props(PipelineConfig.PID, "text", "stages", List.of("upper"), "timeout", "PT5S"));
        c.modified(Fakes.props(PipelineConfig.PID, "text", "stages", new String[] {"upper"}, "Timeout", "PT5S",
                "felix.fileinstall.filename", "file:/deploy/goflow.pipeline-text.cfg"));
        assertSame(text, only(), "nothing changed: the pipeline in effect and its users are left alone");
        assertEquals("Y", text.execute("y").output());

        c.modified(Fakes.props(PipelineConfig.PID, "text", "stages", List.of("upper"), "timeout", "PT6S"));
        @SuppressWarnings("unchecked")
        Pipeline<Object, Object> text2 = (Pipeline<Object, Object>) only();
        assertNotSame(text, text2, "a change recreates it");

        text2.close(); // by a user of its service
        c.modified(Fakes.props(PipelineConfig.PID, "text", "stages", List.of("upper"), "timeout", "PT6S"));
        @SuppressWarnings("unchecked")
        Pipeline<Object, Object> text3 = (Pipeline<Object, Object>) only();
        assertNotSame(text2, text3, "a closed pipeline is recreated by the next update, as the other kinds");
        assertEquals("Z", text3.execute("z").output());
        c.deactivate();
        assertEquals(List.of(), registered);
    }

    @Test
    void aHolderRecreatedUnderItsNameKeepsItAndTheConfigurationsWaitingForItAreNotRetried() {
        SchedulerComponent holder = new SchedulerComponent(context,
                Fakes.props(SchedulerConfig.PID, "a", "name", "jobs", "workers", 1), live);
        TokenBucketComponent waiting = new TokenBucketComponent(context,
                Fakes.props(TokenBucketConfig.PID, "b", "name", "jobs"), live);
        TokenBucketComponent waitingForThePool = new TokenBucketComponent(context,
                Fakes.props(TokenBucketConfig.PID, "c", "name", "jobs-pool"), live);
        assertEquals(1, logged("SEVERE", "goflow.tokenbucket~b (factory goflow.tokenbucket) rejected").size(), log.toString());
        assertEquals(1, logged("SEVERE", "goflow.tokenbucket~c (factory goflow.tokenbucket) rejected").size(), log.toString());
        Scheduler jobs = (Scheduler) named("jobs").service();

        // a change that recreates the scheduler under the same name: its names are never free meanwhile
        holder.modified(Fakes.props(SchedulerConfig.PID, "a", "name", "jobs", "workers", 1, "zone", "UTC"));
        assertNotSame(jobs, named("jobs").service());
        assertEquals("goflow.scheduler~a", named("jobs").property("goflow.config.pid"));
        assertEquals(List.of(), logged("INFO", "retried"), "nothing waiting was retried: the name was never free");
        assertEquals(1, logged("SEVERE", "goflow.tokenbucket~b (factory goflow.tokenbucket) rejected").size(), log.toString());
        assertEquals(1, logged("SEVERE", "goflow.tokenbucket~c (factory goflow.tokenbucket) rejected").size(), log.toString());

        // they still wait, and get the names when the holder lets them go
        holder.deactivate();
        assertEquals("goflow.tokenbucket~b", named("jobs").property("goflow.config.pid"));
        assertEquals("goflow.tokenbucket~c", named("jobs-pool").property("goflow.config.pid"));
        waiting.deactivate();
        waitingForThePool.deactivate();
        assertEquals(List.of(), registered);
        assertEquals(List.of(), rows());
    }

    @Test
    void theTasksABundleScheduledOnAConfiguredSchedulerEndWhenTheBundleStops() throws Exception {
        SchedulerComponent c = new SchedulerComponent(context,
                Fakes.props(SchedulerConfig.PID, "jobs", "workers", 2), live);
        Fakes.Registered service = named("jobs");
        // two bundles get the service; each schedules a task, one of them running now
        Scheduler fromB = (Scheduler) Fakes.get(service, "b");
        Scheduler fromC = (Scheduler) Fakes.get(service, "c");
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<String> ended = new java.util.concurrent.CompletableFuture<>();
        var running = fromB.every(java.time.Duration.ofMillis(10), ctx -> {
            started.countDown();
            ctx.onDone(() -> ended.complete("its context was cancelled"));
            ended.get(30, java.util.concurrent.TimeUnit.SECONDS);
        });
        var later = fromB.task(ctx -> { }).id("b-later").once(java.time.Duration.ofHours(1));
        var others = fromC.every(java.time.Duration.ofHours(1), ctx -> { });
        assertTrue(started.await(30, java.util.concurrent.TimeUnit.SECONDS));

        Fakes.unget(service, "b", fromB); // bundle b stops
        assertEquals("its context was cancelled", ended.get(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(goflow.api.schedule.ScheduledTask.State.CANCELLED, running.state(),
                "no run of a stopped bundle's task starts again");
        assertEquals(goflow.api.schedule.ScheduledTask.State.CANCELLED, later.state());
        assertEquals(goflow.api.schedule.ScheduledTask.State.SCHEDULED, others.state(), "another bundle's task goes on");
        assertTrue(fromC.isRunning(), "the scheduler goes on");
        c.deactivate();
        assertEquals(List.of(), registered);
    }

    @Test
    void aBundleViewForgetsItsFinishedTasksAsItSchedulesMore() throws Exception {
        SchedulerComponent c = new SchedulerComponent(context,
                Fakes.props(SchedulerConfig.PID, "jobs", "workers", 2), live);
        Fakes.Registered service = named("jobs");
        BundleSchedulers.View fromB = (BundleSchedulers.View) Fakes.get(service, "b");
        for (int round = 0; round < 10; round++) {
            List<goflow.api.schedule.ScheduledTask> batch = new java.util.ArrayList<>();
            for (int i = 0; i < 100; i++) {
                batch.add(fromB.once(java.time.Duration.ZERO, ctx -> { }));
            }
            for (goflow.api.schedule.ScheduledTask t : batch) {
                goflow.impl.testing.Eventually.until(() -> t.state() == goflow.api.schedule.ScheduledTask.State.DONE);
            }
        }
        // 1000 one-shot tasks scheduled, every one of them done: not all remembered
        assertTrue(fromB.remembered() <= 200, "remembered " + fromB.remembered());
        var pending = fromB.every(java.time.Duration.ofHours(1), ctx -> { });
        Fakes.unget(service, "b", fromB);
        assertEquals(goflow.api.schedule.ScheduledTask.State.CANCELLED, pending.state());
        c.deactivate();
    }

    @Test
    void aDeletedOrUpdatedConfigurationNoLongerWaitsForAName() {
        TokenBucketComponent first = new TokenBucketComponent(context,
                Fakes.props(TokenBucketConfig.PID, "a", "name", "t1"), live);
        TokenBucketComponent deleted = new TokenBucketComponent(context,
                Fakes.props(TokenBucketConfig.PID, "b", "name", "t1"), live);
        TokenBucketComponent changed = new TokenBucketComponent(context,
                Fakes.props(TokenBucketConfig.PID, "c", "name", "t1"), live);
        deleted.deactivate();
        changed.modified(Fakes.props(TokenBucketConfig.PID, "c", "name", "t3"));
        first.deactivate();
        assertEquals(List.of("t3@goflow.tokenbucket~c"), rows());
        changed.deactivate();
        assertEquals(List.of(), registered);
    }

    @Test
    void aRejectedChangeOfASchedulerLeavesItAndTheJobsOfBundlesUndisturbed() {
        String pid = SchedulerConfig.PID;
        SchedulerComponent c = new SchedulerComponent(context, Fakes.props(pid, "jobs", "workers", 1), live);
        Scheduler jobs = (Scheduler) only();
        jobs.every(java.time.Duration.ofHours(1), ctx -> { }); // a bundle's job
        for (Object[] bad : new Object[][] {{"zone", "Mars/Olympus"}, {"stopTimeout", "10s"},
            {"stopTimeout", "-PT1S"}, {"workers", 0}, {"leases", "redis", "leaseTtl", "PT0S"}}) {
            Map<String, Object> props = Fakes.props(pid, "jobs", "workers", 1);
            for (int i = 0; i < bad.length; i += 2) {
                props.put((String) bad[i], bad[i + 1]);
            }
            c.modified(props);
            assertEquals(1, logged("SEVERE", "goflow.scheduler~jobs (factory goflow.scheduler) rejected: property '"
                    + (bad.length > 2 ? "leaseTtl" : bad[0]) + "'").size(), log.toString());
            log.clear();
            assertSame(jobs, only(), "rejected " + List.of(bad) + ": the scheduler in effect goes on");
            assertEquals(1, jobs.tasks().size(), "its jobs are kept");
            assertTrue(jobs.isRunning());
        }
        c.modified(Fakes.props(pid, "jobs", "workers", 1, "zone", "UTC"));
        assertNotSame(jobs, only(), "a valid change of the zone recreates it");
        c.deactivate();
        assertEquals(List.of(), registered);
    }

    @Test
    void aSchedulersWorkersAreRefusedWithTheSameRuleLiveAsWhenCreated() {
        String pid = SchedulerConfig.PID;
        SchedulerComponent created = new SchedulerComponent(context, Fakes.props(pid, "big", "workers", 20000), live);
        SchedulerComponent c = new SchedulerComponent(context, Fakes.props(pid, "jobs", "workers", 1), live);
        c.modified(Fakes.props(pid, "jobs", "workers", 20000));
        String rule = "property 'workers' = 20000 must be from 1 to 10000 (the threads of the scheduler's own pool)";
        assertEquals(1, logged("SEVERE", "goflow.scheduler~big (factory goflow.scheduler) rejected: " + rule).size(),
                log.toString());
        assertEquals(1, logged("SEVERE", "goflow.scheduler~jobs (factory goflow.scheduler) rejected: " + rule).size(),
                log.toString());
        assertEquals(List.of(), logged("SEVERE", "maxWorkers"), "a scheduler configuration has no maxWorkers");
        assertEquals(1, live.find("jobs-pool", WorkerPool.class).orElseThrow().workers(), "the pool keeps its size");
        created.deactivate();
        c.deactivate();
        assertEquals(List.of(), registered);
    }

    @Test
    void aSchedulersOwnPoolNameIsHeldToo() {
        SchedulerComponent jobs = new SchedulerComponent(context, Fakes.props(SchedulerConfig.PID, "jobs"), live);
        assertTrue(named("jobs").service() instanceof Scheduler);
        WorkerPoolComponent pool = new WorkerPoolComponent(context,
                Fakes.props(WorkerPoolConfig.PID, "p", "name", "jobs-pool"), live);
        assertEquals(1, logged("SEVERE", "property 'name' = jobs-pool is the name of the primitive of configuration "
                + "goflow.scheduler~jobs").size(), log.toString());
        jobs.deactivate();
        assertTrue(named("jobs-pool").service() instanceof WorkerPool);
        pool.deactivate();
        assertEquals(List.of(), registered);
    }

    @Test
    void aRenameOfASchedulerWhoseNewPoolNameIsHeldLeavesItAndItsTasksUndisturbed() {
        TokenBucketComponent holder = new TokenBucketComponent(context,
                Fakes.props(TokenBucketConfig.PID, "a", "name", "jobs2-pool"), live);
        SchedulerComponent c = new SchedulerComponent(context, Fakes.props(SchedulerConfig.PID, "jobs"), live);
        Scheduler jobs = (Scheduler) named("jobs").service();
        jobs.every(java.time.Duration.ofHours(1), ctx -> { });
        c.modified(Fakes.props(SchedulerConfig.PID, "jobs", "name", "jobs2"));
        assertEquals(1, logged("SEVERE", "goflow.scheduler~jobs (factory goflow.scheduler) rejected: property 'name' = "
                + "jobs2-pool is the name of the primitive of configuration goflow.tokenbucket~a").size(), log.toString());
        assertSame(jobs, named("jobs").service(), "a refused rename leaves the scheduler in effect");
        assertTrue(jobs.isRunning());
        assertEquals(1, jobs.tasks().size(), "with the tasks bundles gave it");
        assertEquals(null, live.configuredNames().owner("jobs2"), "the name it could not use is not held");
        assertEquals("goflow.scheduler~jobs", live.configuredNames().owner("jobs-pool"));

        holder.deactivate();
        assertTrue(named("jobs2").service() instanceof Scheduler, "applied once the name is free");
        assertEquals("goflow.scheduler~jobs", live.configuredNames().owner("jobs2-pool"));
        assertEquals(null, live.configuredNames().owner("jobs-pool"));
        c.deactivate();
        assertEquals(List.of(), registered);
        assertEquals(List.of(), rows());
    }

    @Test
    void unknownKeysAreWarnedAboutWithTheNearestKnownKey() {
        TokenBucketComponent c = new TokenBucketComponent(context, Fakes.props(TokenBucketConfig.PID, "api", "ratee", "3",
                "Burst", "4", "felix.fileinstall.filename", "file:/deploy/x.cfg", "live.target", "(x=y)"), live);
        assertEquals(List.of("WARNING goflow: configuration goflow.tokenbucket~api (factory goflow.tokenbucket): unknown "
                + "property 'ratee' is ignored; did you mean 'rate'? (known: burst, name, rate)"), logged("WARNING", ""));
        RateLimiter api = (RateLimiter) only();
        assertEquals(10.0, api.rate().eventsPerSecond(), "the unknown key is ignored");
        assertEquals(4, api.burst(), "keys match without regard to case, as in Configuration Admin");
        c.deactivate();
    }

    @Test
    void manyConfigurationsRacingForOneNameEndWithOneHolderAtATimeAndNoDeadlock() throws Exception {
        int n = 16;
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<TokenBucketComponent>> created = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                created.add(threads.submit(() -> new TokenBucketComponent(context,
                        Fakes.props(TokenBucketConfig.PID, "race-" + id, "name", "shared"), live)));
            }
            List<TokenBucketComponent> components = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<TokenBucketComponent> f : created) {
                components.add(f.get(10, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertEquals(1, registered.size(), registered.toString());
            java.util.Collections.shuffle(components, new java.util.Random(42));
            List<java.util.concurrent.Future<?>> closed = new java.util.ArrayList<>();
            for (TokenBucketComponent c : components.subList(0, n - 1)) {
                closed.add(threads.submit(c::deactivate));
            }
            for (java.util.concurrent.Future<?> f : closed) {
                f.get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            TokenBucketComponent last = components.get(n - 1);
            assertEquals(1, registered.size(), "the one configuration left holds the name: " + registered);
            assertEquals(live.configuredNames().owner("shared"), named("shared").property("goflow.config.pid"));
            last.deactivate();
            assertEquals(List.of(), registered);
            assertEquals(List.of(), rows());
        } finally {
            threads.shutdownNow();
            assertTrue(threads.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void anInvalidStageNameIsBlamedOnStages() {
        Plugins plugins = new Plugins();
        PipelineComponent c = new PipelineComponent(context, Fakes.props(PipelineConfig.PID, "text", "stages",
                "trim,upper"), live, plugins);
        assertEquals(List.of("SEVERE goflow: configuration goflow.pipeline~text (factory goflow.pipeline) rejected: "
                + "property 'stages' = trim,upper is not a stage name: it must not contain whitespace, control "
                + "characters or any of , = : \" * ? (each entry is the goflow.stage.name of a stage plugin; in a .cfg "
                + "file a list needs the .config format: stages=[\"trim\",\"upper\"])"), logged("SEVERE", ""));
        assertEquals(List.of(), registered);
        c.modified(Fakes.props(PipelineConfig.PID, "text", "stages", List.of("trim", "upper")));
        @SuppressWarnings("unchecked")
        Pipeline<Object, Object> text = (Pipeline<Object, Object>) only();
        assertEquals(List.of("trim", "upper"), text.stageNames());
        c.deactivate();
    }

    /** A token bucket kind whose build fails with what {@code failure} holds, if anything. */
    private static Configured.Kind<TokenBucketConfig, RateLimiter> failing(
            java.util.concurrent.atomic.AtomicReference<Throwable> failure) {
        return new Configured.Kind<>(TokenBucketConfig.PID, "token-bucket", TokenBucketConfig.class,
                RateLimiter.class) {
            @Override
            String name(TokenBucketConfig config) {
                return config.name();
            }

            @Override
            List<Object> fixed(TokenBucketConfig config) {
                return List.of(config.rate());
            }

            @Override
            RateLimiter build(goflow.api.GoFlow goflow, TokenBucketConfig config, String name) {
                RateLimiter l = goflow.tokenBucket().name(name).rate(config.rate()).build();
                Throwable t = failure.get();
                if (t instanceof RuntimeException) {
                    throw (RuntimeException) t;
                }
                if (t instanceof Error) {
                    throw (Error) t;
                }
                return l;
            }
        };
    }

    @Test
    void aBuildThatFailsOtherwiseIsLoggedLeavesNothingAndTheNextUpdateIsApplied() {
        java.util.concurrent.atomic.AtomicReference<Throwable> failure =
                new java.util.concurrent.atomic.AtomicReference<>(new IllegalStateException("boom"));
        Configured<TokenBucketConfig, RateLimiter> c = Configured.start(context,
                Fakes.props(TokenBucketConfig.PID, "f", "name", "f1"), live, null, failing(failure));
        assertEquals(List.of("SEVERE goflow: configuration goflow.tokenbucket~f (factory goflow.tokenbucket) failed: "
                + "could not create its token-bucket"), logged("SEVERE", ""));
        assertEquals(List.of(), registered);
        assertEquals(List.of(), rows());
        assertEquals(null, live.configuredNames().owner("f1"), "the name is released");

        failure.set(new OutOfMemoryError("simulated"));
        org.junit.jupiter.api.Assertions.assertThrows(OutOfMemoryError.class,
                () -> c.update(Fakes.props(TokenBucketConfig.PID, "f", "name", "f1", "rate", 2.0)));
        assertEquals(List.of(), registered, "an Error leaves nothing behind either");
        assertEquals(List.of(), rows());
        assertEquals(null, live.configuredNames().owner("f1"));

        failure.set(null);
        c.update(Fakes.props(TokenBucketConfig.PID, "f", "name", "f1", "rate", 3.0));
        assertEquals(3.0, ((RateLimiter) only()).rate().eventsPerSecond());
        assertEquals("goflow.tokenbucket~f", live.configuredNames().owner("f1"));
        c.close();
        assertEquals(List.of(), registered);
        assertEquals(null, live.configuredNames().owner("f1"));
    }
}
