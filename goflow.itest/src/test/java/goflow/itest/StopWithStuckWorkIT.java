package goflow.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Handler;
import java.util.logging.Level;
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
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.inspect.Registry;
import goflow.api.io.AsyncWriter;
import goflow.api.pool.TaskResult;
import goflow.api.pool.WorkerPool;

/**
 * Stopping a consumer bundle whose work is stuck (a pool task, an async writer's output, both
 * ignoring interrupts) returns within a bounded time: the grace (set to 0.5 s with the framework
 * property {@code goflow.stop.grace}) and the bounds after it. The stuck primitive is logged by
 * name, owner and thread, leaves the registry, and its thread ends once the work returns.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StopWithStuckWorkIT {
    /** Before the fix the stop never returned; now it takes about 2 s. */
    private static final long STOP_BOUND_SECONDS = 20;

    @Inject
    private BundleContext context;

    @Inject
    private Registry registry;

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
    /** Lets the stuck work of a test return once it is over. */
    private final CountDownLatch release = new CountDownLatch(1);

    @Configuration
    public Option[] config() {
        return options(Runtime.goflowWithShell(), Runtime.exam(), frameworkProperty("goflow.stop.grace").value("PT0.5S"));
    }

    @Before
    public void captureLog() {
        logger.addHandler(capture);
    }

    @After
    public void releaseAndStopCapturing() {
        release.countDown();
        logger.removeHandler(capture);
    }

    private void ignoreInterruptsUntilReleased() {
        while (true) {
            try {
                release.await();
                return;
            } catch (InterruptedException e) {
                // on purpose: the stuck user code a stop must not wait for
            }
        }
    }

    private List<String> warnings() {
        List<String> w = new ArrayList<>();
        for (LogRecord r : logged) {
            if (r.getLevel() == Level.WARNING) {
                w.add(r.getMessage());
            }
        }
        return w;
    }

    /** Stops {@code bundle} on another thread; fails if that does not return within the bound. */
    private static long stopWithinBound(Bundle bundle) throws Exception {
        CompletableFuture<Long> stopped = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            try {
                bundle.stop();
                stopped.complete(System.nanoTime() - t0);
            } catch (Throwable e) {
                stopped.completeExceptionally(e);
            }
        }, "itest-bundle-stopper");
        t.start();
        try {
            return stopped.get(STOP_BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("stopping " + bundle.getSymbolicName() + " did not return within "
                    + STOP_BOUND_SECONDS + " s", e);
        }
    }

    private GoFlow goflowOf(Bundle consumer) {
        BundleContext bc = consumer.getBundleContext();
        return bc.getService(bc.getServiceReference(GoFlow.class));
    }

    @Test
    public void stoppingABundleWhosePoolTaskIgnoresInterruptsReturns() throws Exception {
        Bundle consumer = context.installBundle("goflow-itest-stuck-task", Runtime.consumerBundle("goflow.itest.stucktask"));
        try {
            consumer.start();
            WorkerPool pool = goflowOf(consumer).workerPool().name("stuck-pool").workers(2).build();
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<TaskResult<String>> stuck = pool.submit(ctx -> {
                started.countDown();
                ignoreInterruptsUntilReleased();
                return "late";
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));

            long nanos = stopWithinBound(consumer);
            assertTrue("took " + nanos + " ns: the grace of 0.5 s was not used",
                    nanos < TimeUnit.SECONDS.toNanos(9));
            assertEquals(Bundle.RESOLVED, consumer.getState());
            assertTrue(registry.snapshot().stream().noneMatch(r -> r.owner().equals("goflow.itest.stucktask")));
            assertEquals("the stuck worker lingers, by name", 1, RuntimeIT.threads("goflow-worker-pool-stuck-pool-")
                    .size());
            List<String> warnings = warnings();
            assertTrue(String.valueOf(warnings), warnings.stream().anyMatch(m -> m.startsWith(
                    "worker-pool 'stuck-pool' of goflow.itest.stucktask: still running after the grace of PT0.5S, "
                            + "shutdownNow() and a further PT0.5S; abandoned: its threads end when their tasks return: "
                            + "goflow-worker-pool-stuck-pool-") && m.contains("ignoreInterruptsUntilReleased")));

            release.countDown();
            assertEquals("late", stuck.get(10, TimeUnit.SECONDS).value());
            RuntimeIT.await(() -> RuntimeIT.threads("goflow-worker-pool-stuck-pool-").isEmpty());
            assertTrue(pool.isTerminated());
        } finally {
            release.countDown();
            consumer.uninstall();
        }
    }

    @Test
    public void stoppingABundleWhoseWriterOutputBlocksReturns() throws Exception {
        Bundle consumer = context.installBundle("goflow-itest-stuck-output",
                Runtime.consumerBundle("goflow.itest.stuckoutput"));
        try {
            consumer.start();
            CountDownLatch entered = new CountDownLatch(1);
            AsyncWriter writer = goflowOf(consumer).asyncWriter().name("stuck-writer").output(new OutputStream() {
                @Override
                public void write(int b) {
                    entered.countDown();
                    ignoreInterruptsUntilReleased();
                }
            }).flushThreshold(1).build();
            writer.write(Context.background(), "audit line\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(entered.await(10, TimeUnit.SECONDS));

            long nanos = stopWithinBound(consumer);
            assertTrue("took " + nanos + " ns", nanos < TimeUnit.SECONDS.toNanos(9));
            assertTrue(writer.isClosed());
            assertEquals("what could not be written is reported", 11, writer.stats().bytesDiscarded());
            assertTrue(registry.snapshot().stream().noneMatch(r -> r.owner().equals("goflow.itest.stuckoutput")));
            assertFalse(RuntimeIT.threads("goflow-async-writer-stuck-writer-").isEmpty());
            List<String> warnings = warnings();
            assertTrue(String.valueOf(warnings), warnings.stream().anyMatch(m -> m.startsWith(
                    "async-writer 'stuck-writer' of goflow.itest.stuckoutput: still running after the grace of PT0.5S, "
                            + "stopping it and a further PT0.5S; abandoned: its threads end when their output returns: "
                            + "goflow-async-writer-stuck-writer-1")));

            release.countDown();
            RuntimeIT.await(() -> RuntimeIT.threads("goflow-async-writer-stuck-writer-").isEmpty());
        } finally {
            release.countDown();
            consumer.uninstall();
        }
    }
}
