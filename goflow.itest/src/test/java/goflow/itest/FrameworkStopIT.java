package goflow.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

import goflow.itest.stuck.StuckActivator;

/**
 * Stopping the whole framework while a consumer bundle has a pool task and an async writer output
 * that both ignore interrupts: the framework stops within a bounded time (the grace, set low with
 * the framework property {@code goflow.stop.grace}, plus the bounds after it), the stuck work is
 * logged by name and abandoned, and its threads end once the work returns.
 *
 * <p>Pax Exam stops its framework itself, after the tests, so this test embeds its own Felix
 * (from the test class path) with the bundles {@code pre-integration-test} copied.
 */
class FrameworkStopIT {
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    /** Held strongly while the test runs (JUL keeps loggers weakly). */
    private final Logger logger = Logger.getLogger("goflow.impl.osgi.BoundedClose");
    private Framework framework;

    @AfterEach
    void releaseAndStop() throws Exception {
        System.setProperty(StuckActivator.RELEASE, "true");
        logger.removeHandler(capture);
        if (framework != null && framework.getState() != Bundle.RESOLVED) {
            framework.stop();
            framework.waitForStop(30_000);
        }
    }

    @Test
    void theFrameworkStopsWithinABoundedTimeDespiteStuckWork(@TempDir Path storage) throws Exception {
        logger.addHandler(capture);
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put("goflow.stop.grace", "PT0.5S");
        framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(config);
        framework.start();
        BundleContext bc = framework.getBundleContext();
        List<Bundle> bundles = new ArrayList<>();
        for (String name : List.of("org.osgi.util.function", "org.osgi.util.promise", "org.osgi.service.component",
                "org.apache.felix.scr", "org.apache.felix.configadmin", "goflow.api", "goflow.impl")) {
            bundles.add(bc.installBundle(Runtime.BUNDLES.toPath().resolve(name + ".jar").toUri().toString()));
        }
        for (Bundle b : bundles) {
            b.start();
        }
        Bundle consumer = bc.installBundle("goflow-itest-stuck", Runtime.activatorBundle("goflow.itest.stuck",
                StuckActivator.class, "goflow.api;version=\"[0.1,1)\",goflow.api.context;version=\"[0.1,1)\","
                        + "goflow.api.io;version=\"[0.2,1)\",goflow.api.pool;version=\"[0.2,1)\",org.osgi.framework"));
        consumer.start(); // returns once the task and the output are stuck
        assertTrue(Boolean.getBoolean(StuckActivator.RUNNING));
        assertEquals(1, threads("goflow-worker-pool-" + StuckActivator.POOL + "-").size());
        assertEquals(1, threads("goflow-async-writer-" + StuckActivator.WRITER + "-").size());

        long t0 = System.nanoTime();
        framework.stop();
        FrameworkEvent stopped = framework.waitForStop(30_000);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertEquals(FrameworkEvent.STOPPED, stopped.getType(), "the framework did not stop within 30 s");
        // 0.5 s of grace, 0.5 s after shutdownNow(), 0.5 + 0.5 s for the writer: far below the
        // default grace of 10 s, so the property was read
        assertTrue(seconds < 9, "stopped after " + seconds + " s");

        List<String> warnings = new ArrayList<>();
        for (LogRecord r : logged) {
            if (r.getLevel() == Level.WARNING) {
                warnings.add(r.getMessage());
            }
        }
        assertTrue(warnings.stream().anyMatch(m -> m.startsWith("worker-pool 'stuck-pool' of goflow.itest.stuck: "
                + "still running after the grace of PT0.5S, shutdownNow() and a further PT0.5S; abandoned")
                && m.contains("goflow-worker-pool-stuck-pool-0") && m.contains("ignoreInterruptsUntilReleased")),
                String.valueOf(warnings));
        assertTrue(warnings.stream().anyMatch(m -> m.startsWith("async-writer 'stuck-writer' of goflow.itest.stuck: "
                + "still running after the grace of PT0.5S, stopping it and a further PT0.5S; abandoned")
                && m.contains("goflow-async-writer-stuck-writer-1")), String.valueOf(warnings));
        // the abandoned threads linger, named, until their work returns
        assertEquals(1, threads("goflow-worker-pool-" + StuckActivator.POOL + "-").size());
        System.setProperty(StuckActivator.RELEASE, "true");
        await(() -> threads("goflow-worker-pool-" + StuckActivator.POOL + "-").isEmpty()
                && threads("goflow-async-writer-" + StuckActivator.WRITER + "-").isEmpty()
                && threads("goflow-close-").isEmpty());
    }

    private static List<Thread> threads(String prefix) {
        List<Thread> found = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(prefix)) {
                found.add(t);
            }
        }
        return found;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(20);
        }
    }
}
