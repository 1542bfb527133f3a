package goflow.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.osgi.service.cm.ConfigurationAdmin;

import goflow.api.Primitive;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.RateLimiter;

/**
 * Configuration errors an operator can act on, in a real framework with Felix SCR and
 * Configuration Admin: a value that is not of the property's type (as a {@code .cfg} file gives
 * it, a string) is rejected naming the property, the value and the rule, and a corrected
 * configuration is applied (the component never stays broken); two configurations with the same
 * name: the second is refused naming both, and applied once the first is deleted; a factory PID
 * used as a plain PID and unknown keys get a warning with a hint.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigErrorsIT {
    private static final String LOGGER = "goflow.impl.osgi.Configured";

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin cm;

    private final List<String> log = new CopyOnWriteArrayList<>();
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

    /** Held strongly: JUL keeps loggers only weakly. */
    private Logger logger;

    @Configuration
    public Option[] config() {
        return options(Runtime.goflowWithShell(), Runtime.exam());
    }

    /** Captures the rejections and warnings the tests provoke, instead of printing them. */
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

    private <T> List<ServiceReference<T>> refs(Class<T> type, String name) throws Exception {
        return new ArrayList<>(context.getServiceReferences(type, "(goflow.name=" + name + ")"));
    }

    private <T> T awaitService(Class<T> type, String name) throws Exception {
        RuntimeIT.await(() -> {
            try {
                return !refs(type, name).isEmpty();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return context.getService(refs(type, name).get(0));
    }

    private void awaitGone(Class<?> type, String name) throws Exception {
        RuntimeIT.await(() -> {
            try {
                return refs(type, name).isEmpty();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private String awaitLog(String... fragments) throws InterruptedException {
        try {
            RuntimeIT.await(() -> log.stream().anyMatch(m -> List.of(fragments).stream().allMatch(m::contains)));
        } catch (AssertionError e) {
            throw new AssertionError("no log message with " + List.of(fragments) + " in " + log, e);
        }
        return log.stream().filter(m -> List.of(fragments).stream().allMatch(m::contains)).findFirst().orElseThrow();
    }

    @Test
    public void aValueOfTheWrongTypeIsRejectedNamingItAndACorrectedConfigurationCreatesThePool() throws Exception {
        org.osgi.service.cm.Configuration c = factory("goflow.workerpool", "cfg-two");
        try {
            c.update(props("workers", "two", "queueCapacity", "10"));
            awaitLog("SEVERE goflow: configuration goflow.workerpool~cfg-two (factory goflow.workerpool) rejected: "
                    + "property 'workers' = two must be a whole number");
            assertTrue(refs(WorkerPool.class, "cfg-two").isEmpty());
            assertTrue(RuntimeIT.threads("goflow-worker-pool-cfg-two-").isEmpty());

            c.update(props("workers", "2", "queueCapacity", "10"));
            WorkerPool pool = awaitService(WorkerPool.class, "cfg-two");
            assertEquals(2, pool.workers());
            assertEquals(10, pool.queueCapacity());

            c.update(props("workers", "3x", "queueCapacity", "10"));
            awaitLog("property 'workers' = 3x must be a whole number");
            assertEquals("an update of the wrong type changes nothing", 2, pool.workers());

            c.update(props("workers", "3", "queueCapacity", "10"));
            RuntimeIT.await(() -> pool.workers() == 3);
            assertEquals(1, refs(WorkerPool.class, "cfg-two").size());
        } finally {
            c.delete();
        }
        awaitGone(WorkerPool.class, "cfg-two");
    }

    @Test
    public void numbersAndBooleansOfTheWrongTypeAreRejectedByEveryKind() throws Exception {
        org.osgi.service.cm.Configuration bucket = factory("goflow.tokenbucket", "cfg-lots");
        org.osgi.service.cm.Configuration limiter = factory("goflow.concurrencylimiter", "cfg-maybe");
        try {
            bucket.update(props("rate", "10/s", "burst", "5"));
            awaitLog("goflow.tokenbucket~cfg-lots", "property 'rate' = 10/s must be a number");
            bucket.update(props("rate", "10", "burst", "lots"));
            awaitLog("goflow.tokenbucket~cfg-lots", "property 'burst' = lots must be a whole number");
            limiter.update(props("capacity", "2", "fair", "maybe"));
            awaitLog("goflow.concurrencylimiter~cfg-maybe", "property 'fair' = maybe must be true or false");
            assertTrue(refs(Primitive.class, "cfg-lots").isEmpty());
            assertTrue(refs(Primitive.class, "cfg-maybe").isEmpty());

            bucket.update(props("rate", "10", "burst", "5"));
            limiter.update(props("capacity", "2", "fair", "TRUE"));
            assertEquals(5, awaitService(RateLimiter.class, "cfg-lots").burst());
            assertTrue(awaitService(ConcurrencyLimiter.class, "cfg-maybe").isFair());
        } finally {
            bucket.delete();
            limiter.delete();
        }
        awaitGone(Primitive.class, "cfg-lots");
        awaitGone(Primitive.class, "cfg-maybe");
    }

    @Test
    public void aDuplicateNameIsRefusedNamingBothConfigurationsAndAppliedWhenTheFirstIsDeleted() throws Exception {
        org.osgi.service.cm.Configuration first = factory("goflow.tokenbucket", "dup-a");
        org.osgi.service.cm.Configuration second = factory("goflow.tokenbucket", "dup-b");
        org.osgi.service.cm.Configuration otherKind = factory("goflow.workerpool", "dup-c");
        try {
            first.update(props("name", "t1", "rate", 1.0, "burst", 1L));
            RateLimiter t1 = awaitService(RateLimiter.class, "t1");
            second.update(props("name", "t1", "rate", 2.0, "burst", 2L));
            awaitLog("SEVERE goflow: configuration goflow.tokenbucket~dup-b (factory goflow.tokenbucket) rejected: "
                    + "property 'name' = t1", "configuration goflow.tokenbucket~dup-a");
            otherKind.update(props("name", "t1"));
            awaitLog("goflow.workerpool~dup-c", "property 'name' = t1", "configuration goflow.tokenbucket~dup-a");
            List<ServiceReference<Primitive>> named = refs(Primitive.class, "t1");
            assertEquals(1, named.size());
            assertEquals("goflow.tokenbucket~dup-a", named.get(0).getProperty("goflow.config.pid"));
            assertEquals(1, t1.burst());
            assertTrue(RuntimeIT.threads("goflow-worker-pool-t1-").isEmpty());

            first.delete();
            RuntimeIT.await(() -> {
                try {
                    List<ServiceReference<Primitive>> now = refs(Primitive.class, "t1");
                    return now.size() == 1 && "goflow.tokenbucket~dup-b".equals(now.get(0).getProperty("goflow.config.pid"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals("the first waiting configuration took the freed name", 2,
                    context.getService(refs(RateLimiter.class, "t1").get(0)).burst());
            awaitLog("goflow.workerpool~dup-c", "property 'name' = t1", "configuration goflow.tokenbucket~dup-b");
            assertEquals(1, refs(Primitive.class, "t1").size());
        } finally {
            for (org.osgi.service.cm.Configuration c : List.of(first, second, otherKind)) {
                try {
                    c.delete();
                } catch (IllegalStateException alreadyDeleted) {
                    // deleted by the test
                }
            }
        }
        awaitGone(Primitive.class, "t1");
        RuntimeIT.await(() -> RuntimeIT.threads("goflow-worker-pool-t1-").isEmpty());
    }

    @Test
    public void theNextWaitingConfigurationIsAppliedWhenTheNameIsFreedAgain() throws Exception {
        org.osgi.service.cm.Configuration first = factory("goflow.tokenbucket", "dup2-a");
        org.osgi.service.cm.Configuration second = factory("goflow.tokenbucket", "dup2-b");
        try {
            first.update(props("name", "t2", "burst", 1L));
            awaitService(RateLimiter.class, "t2");
            second.update(props("name", "t2", "burst", 2L));
            awaitLog("goflow.tokenbucket~dup2-b", "property 'name' = t2", "goflow.tokenbucket~dup2-a");
            first.update(props("name", "t2-renamed", "burst", 1L));
            awaitService(RateLimiter.class, "t2-renamed");
            RuntimeIT.await(() -> {
                try {
                    List<ServiceReference<RateLimiter>> now = refs(RateLimiter.class, "t2");
                    return now.size() == 1 && "goflow.tokenbucket~dup2-b".equals(now.get(0).getProperty("goflow.config.pid"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(2, context.getService(refs(RateLimiter.class, "t2").get(0)).burst());
        } finally {
            first.delete();
            second.delete();
        }
        awaitGone(RateLimiter.class, "t2");
        awaitGone(RateLimiter.class, "t2-renamed");
    }

    @Test
    public void aFactoryPidUsedAsAPlainPidGetsAWarningWithTheFileName() throws Exception {
        org.osgi.service.cm.Configuration factory = factory("goflow.leakybucket", "cfg-exists");
        org.osgi.service.cm.Configuration plain = cm.getConfiguration("goflow.leakybucket", "?");
        try {
            factory.update(props("leakRate", 1.0));
            awaitService(Primitive.class, "cfg-exists");
            plain.update(props("name", "plain", "leakRate", 2.0));
            String warning = awaitLog("WARNING goflow: configuration goflow.leakybucket is a plain configuration");
            assertTrue(warning, warning.contains("a file deploy/goflow.leakybucket-<name>.cfg"));
            assertTrue(warning, warning.contains("ignores it otherwise"));
            assertEquals(1, refs(Primitive.class, "cfg-exists").size());
        } finally {
            plain.delete();
            factory.delete();
        }
        awaitGone(Primitive.class, "cfg-exists");
        awaitGone(Primitive.class, "plain");
    }

    @Test
    public void plainConfigurationsThatExistBeforeGoflowStartsAreWarnedAboutToo() throws Exception {
        org.osgi.framework.Bundle impl = java.util.Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName().equals("goflow.impl")).findFirst().orElseThrow();
        org.osgi.service.cm.Configuration plain = cm.getConfiguration("goflow.scheduler", "?");
        impl.stop();
        try {
            plain.update(props("name", "early"));
            log.clear();
            impl.start();
            awaitLog("WARNING goflow: configuration goflow.scheduler is a plain configuration");
        } finally {
            plain.delete();
            if (impl.getState() != org.osgi.framework.Bundle.ACTIVE) {
                impl.start();
            }
        }
        awaitGone(Primitive.class, "early");
    }

    @Test
    public void unknownKeysGetAWarningWithTheNearestKnownKey() throws Exception {
        org.osgi.service.cm.Configuration c = factory("goflow.tokenbucket", "cfg-typo");
        try {
            c.update(props("ratee", "3", "burst", "4", "felix.fileinstall.filename", "file:/x.cfg"));
            String warning = awaitLog("WARNING", "goflow.tokenbucket~cfg-typo", "'ratee'");
            assertTrue(warning, warning.contains("'rate'"));
            RateLimiter typo = awaitService(RateLimiter.class, "cfg-typo");
            assertEquals("the unknown key is ignored", 10.0, typo.rate().eventsPerSecond(), 0.0);
            assertFalse(log.toString(), log.stream().anyMatch(m -> m.contains("felix.fileinstall")));
            assertNull(log.stream().filter(m -> m.contains("'service.pid'")).findFirst().orElse(null));
        } finally {
            c.delete();
        }
        awaitGone(RateLimiter.class, "cfg-typo");
    }

    @Test
    public void anInvalidStageNameIsBlamedOnStagesWithTheListFormat() throws Exception {
        org.osgi.service.cm.Configuration c = factory("goflow.pipeline", "cfg-list");
        try {
            c.update(props("stages", "trim,upper"));
            String error = awaitLog("goflow.pipeline~cfg-list", "rejected: property 'stages' = trim,upper is not a stage name");
            assertTrue(error, error.contains("stages=[\"trim\",\"upper\"]"));
            assertTrue(refs(Primitive.class, "cfg-list").isEmpty());
        } finally {
            c.delete();
        }
    }
}
