package goflow.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.context.Context;
import goflow.api.io.AsyncWriter;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.Stage;
import goflow.api.pool.TaskResult;
import goflow.api.pool.WorkerPool;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

@Timeout(120)
class BoundedCloseTest extends NoThreadLeaks.LeakCheckedTest {
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
    private final Logger logger = Logger.getLogger(BoundedClose.class.getName());
    /** Lets every stuck task and output of a test go once it is over. */
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void captureLog() {
        logger.addHandler(capture);
    }

    @AfterEach
    void releaseAndStopCapturing() {
        release.countDown();
        logger.removeHandler(capture);
    }

    private List<String> warnings() {
        return logged.stream().filter(r -> r.getLevel() == Level.WARNING).map(LogRecord::getMessage)
                .collect(java.util.stream.Collectors.toList());
    }

    private static boolean threadAlive(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().startsWith(prefix));
    }

    /** Waits for {@code release}, ignoring interrupts. */
    private void awaitReleaseIgnoringInterrupts() {
        while (true) {
            try {
                release.await();
                return;
            } catch (InterruptedException e) {
                // ignored on purpose: this is the stuck user code the close must not wait for
            }
        }
    }

    /** Runs the close on another thread; fails if it does not return within 30 s. */
    private static long closeWithin30s(GoFlowImpl goflow, Duration grace) throws Exception {
        CompletableFuture<Long> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            try {
                BoundedClose.close(goflow, grace);
                done.complete(System.nanoTime() - t0);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "test-closer");
        t.start();
        return done.get(30, TimeUnit.SECONDS);
    }

    @Test
    void acceptedTasksCompleteWithinTheGrace() throws Exception {
        GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "bundle");
        WorkerPool pool = goflow.workerPool().name("p").workers(1).build();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<TaskResult<String>> slow = pool.submit(ctx -> {
            started.countDown();
            Thread.sleep(100);
            return "slow";
        });
        CompletableFuture<TaskResult<String>> queued = pool.submit(ctx -> "queued");
        assertTrue(started.await(5, TimeUnit.SECONDS));
        BoundedClose.close(goflow, Duration.ofSeconds(10));
        assertEquals("slow", slow.get().value());
        assertEquals("queued", queued.get().value());
        assertTrue(pool.isTerminated());
        assertEquals(List.of(), goflow.registry().primitives());
    }

    @Test
    void aTaskThatWouldNeverEndIsCancelledAfterTheGrace() throws Exception {
        GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "bundle");
        WorkerPool pool = goflow.workerPool().name("stuck").workers(1).build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        CompletableFuture<TaskResult<Object>> stuck = pool.submit(ctx -> {
            started.countDown();
            never.await();
            return null;
        });
        assertTrue(started.await(5, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        BoundedClose.close(goflow, Duration.ofMillis(200));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        assertTrue(pool.isTerminated());
        assertTrue(!stuck.get(5, TimeUnit.SECONDS).succeeded());
    }

    @Test
    void schedulersStopBeforeThePoolsDrain() throws Exception {
        GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "bundle");
        goflow.api.schedule.Scheduler jobs = goflow.scheduler().name("jobs").workers(1).build();
        jobs.start();
        CountDownLatch ran = new CountDownLatch(3);
        jobs.every(Duration.ofMillis(5), ctx -> ran.countDown());
        assertTrue(ran.await(5, TimeUnit.SECONDS));
        goflow.workerPool().name("p").workers(2).build();
        BoundedClose.close(goflow, Duration.ofSeconds(5));
        assertTrue(!jobs.isRunning());
        assertEquals(List.of(), goflow.registry().primitives());
    }

    @Test
    void aTaskThatIgnoresInterruptsIsAbandonedAndTheCloseEnds() throws Exception {
        GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "com.example.consumer");
        WorkerPool pool = goflow.workerPool().name("stubborn").workers(2).build();
        WorkerPool fine = goflow.workerPool().name("fine").workers(1).build();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<TaskResult<String>> stuck = pool.submit(ctx -> {
            started.countDown();
            awaitReleaseIgnoringInterrupts();
            return "late";
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        long nanos = closeWithin30s(goflow, Duration.ofMillis(300));
        assertTrue(nanos < TimeUnit.SECONDS.toNanos(20), "took " + nanos + " ns");
        assertEquals(List.of(), goflow.registry().primitives(), "everything released, the stuck pool too");
        assertTrue(goflow.registry().isClosed());
        assertThrows(ClosedException.class, () -> goflow.workerPool().build());
        assertTrue(fine.isTerminated());
        assertEquals(WorkerPool.State.STOPPING, pool.stats().state());
        assertTrue(threadAlive("goflow-worker-pool-stubborn-"), "the stuck worker lingers, by name");
        List<String> warnings = warnings();
        assertTrue(warnings.stream().anyMatch(m -> m.startsWith("worker-pool 'stubborn' of com.example.consumer: "
                + "still running after the grace of PT0.3S, shutdownNow() and a further PT0.3S; abandoned: its "
                + "threads end when their tasks return: goflow-worker-pool-stubborn-")), String.valueOf(warnings));
        assertTrue(warnings.stream().anyMatch(m -> m.contains("awaitReleaseIgnoringInterrupts")),
                "the stuck thread's frame is named: " + warnings);
        release.countDown();
        assertEquals("late", stuck.get(10, TimeUnit.SECONDS).value(), "the abandoned task's result still arrives");
        Eventually.until(() -> !threadAlive("goflow-worker-pool-stubborn-"));
        assertTrue(pool.isTerminated());
    }

    @Test
    void busyPipelinesAreClosedTogetherNotOneAfterTheOther() throws Exception {
        // Each pipeline's stage ignores interrupts and returns only once the OTHER pipeline's close
        // has begun (it has left the registry). One close after the other, the first pipeline's
        // close waits out its 3 s and gives up on its thread before the second close begins;
        // together, both stages return at once.
        GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "com.example.pipelines");
        CountDownLatch entered = new CountDownLatch(2);
        List<CompletableFuture<?>> runs = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            String other = name.equals("a") ? "b" : "a";
            Pipeline<String, String> p = goflow.pipeline(name).stage(Stage.<String, String>of("wait", (ctx, in) -> {
                entered.countDown();
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (goflow.registry().find(other).isPresent() && System.nanoTime() - until < 0
                        && release.getCount() > 0) {
                    try {
                        release.await(10, TimeUnit.MILLISECONDS); // a poll that ignores interrupts
                    } catch (InterruptedException e) {
                        // ignored on purpose: stuck user code
                    }
                }
                return in;
            })).build();
            runs.add(p.executeAsync(Context.background(), name));
        }
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        List<String> pipelineWarnings = new CopyOnWriteArrayList<>();
        Logger pipelineLog = Logger.getLogger("goflow.impl.pipeline.PipelineImpl");
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel() == Level.WARNING) {
                    pipelineWarnings.add(r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        pipelineLog.addHandler(h);
        try {
            closeWithin30s(goflow, Duration.ofSeconds(10));
        } finally {
            pipelineLog.removeHandler(h);
        }
        assertEquals(List.of(), pipelineWarnings, "no pipeline's close had to give up on its thread");
        for (CompletableFuture<?> run : runs) {
            run.get(10, TimeUnit.SECONDS);
        }
        assertEquals(List.of(), goflow.registry().primitives());
    }

    @Test
    void aWriterWhoseOutputBlocksIsAbandonedAndTheCloseEnds() throws Exception {
        GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "com.example.logger");
        CountDownLatch entered = new CountDownLatch(1);
        OutputStream blocking = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                entered.countDown();
                awaitReleaseIgnoringInterrupts();
            }
        };
        AsyncWriter w = goflow.asyncWriter().name("audit").output(blocking).capacity(64).flushThreshold(1).build();
        w.write(Context.background(), new byte[] {1, 2, 3});
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        long nanos = closeWithin30s(goflow, Duration.ofMillis(300));
        assertTrue(nanos < TimeUnit.SECONDS.toNanos(20), "took " + nanos + " ns");
        assertEquals(List.of(), goflow.registry().primitives());
        assertTrue(w.isClosed());
        assertEquals(3, w.stats().bytesDiscarded(), "reported, not silently lost");
        assertTrue(threadAlive("goflow-async-writer-audit-1"));
        List<String> warnings = warnings();
        assertTrue(warnings.stream().anyMatch(m -> m.startsWith("async-writer 'audit' of com.example.logger: still "
                + "running after the grace of PT0.3S, stopping it and a further PT0.3S; abandoned: its threads end "
                + "when their output returns: goflow-async-writer-audit-1")), String.valueOf(warnings));
        release.countDown();
        Eventually.until(() -> !threadAlive("goflow-async-writer-audit-1"));
    }

    @Test
    void aWriterIsClosedAfterThePoolsSoQueuedTasksCanStillWrite() throws Exception {
        GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "bundle");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        AsyncWriter w = goflow.asyncWriter().name("out").output(bytes).build();
        WorkerPool pool = goflow.workerPool().name("p").workers(1).build();
        CountDownLatch started = new CountDownLatch(1);
        pool.submit(ctx -> {
            started.countDown();
            Thread.sleep(50);
            return null;
        });
        pool.submit(ctx -> {
            w.write(ctx, "queued task wrote this");
            return null;
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        BoundedClose.close(goflow, Duration.ofSeconds(10));
        assertEquals("queued task wrote this", bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void graceIsReadFromAnIso8601PropertyAndBadValuesFallBackToTheDefault() {
        assertEquals(BoundedClose.GRACE, BoundedClose.grace(null));
        assertEquals(BoundedClose.GRACE, BoundedClose.grace(" "));
        assertEquals(Duration.ofMillis(500), BoundedClose.grace("PT0.5S"));
        assertEquals(Duration.ZERO, BoundedClose.grace(" PT0S "));
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> BoundedClose.parseGrace("ten"));
        assertEquals("goflow: invalid goflow.stop.grace=\"ten\" (must be an ISO-8601 duration) - for example PT10S "
                + "or PT0.5S", e.getMessage());
        e = assertThrows(InvalidConfigException.class, () -> BoundedClose.parseGrace("PT-1S"));
        assertEquals("goflow: invalid goflow.stop.grace=\"PT-1S\" (must not be negative) - how long accepted tasks "
                + "get to complete when a bundle stops", e.getMessage());
        assertEquals(BoundedClose.GRACE, BoundedClose.grace("ten"));
        assertTrue(warnings().stream().anyMatch(m -> m.contains("invalid goflow.stop.grace=\"ten\"")
                && m.contains("using PT10S")), String.valueOf(warnings()));
        assertEquals(Duration.ofSeconds(2), BoundedClose.interruptBound(Duration.ofSeconds(10)));
        assertEquals(Duration.ofMillis(500), BoundedClose.interruptBound(Duration.ofMillis(500)));
        assertEquals(Duration.ofMillis(100), BoundedClose.interruptBound(Duration.ZERO));
    }
}
