package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import goflow.api.Clock;
import goflow.api.GoFlow;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.StreamingRun;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.LogCapture;

/**
 * {@code close()} stops the threads a pipeline started (those of {@code executeAsync} without an
 * executor, and those of its streaming runs) and waits for them, within a bound: a stage that
 * ignores interrupts cannot hang it, and the thread it keeps is named in a WARNING.
 */
class PipelineCloseTest {
    @RegisterExtension
    final LogCapture log = new LogCapture(PipelineImpl.class.getName());

    private final GoFlow goflow = new GoFlowImpl(Clock.system(), "test");
    private final AtomicBoolean release = new AtomicBoolean();

    @AfterEach
    void close() {
        release.set(true);
        goflow.close();
        assertFalse(Thread.interrupted(), "the test thread was left interrupted");
    }

    @Test
    void closeEndsAnAsyncExecutionBlockedInAStageAndWaitsForItsThread() throws Exception {
        AtomicReference<Thread> runner = new AtomicReference<>();
        CountDownLatch entered = new CountDownLatch(1);
        Pipeline<String, String> p = goflow.pipeline("async-blocked")
                .stage("block", (String s) -> {
                    runner.set(Thread.currentThread());
                    entered.countDown();
                    new CountDownLatch(1).await(); // interruptible, never released
                    return s;
                })
                .build();
        CompletableFuture<PipelineResult<String, String>> f = p.executeAsync(Context.background(), "x");
        assertTrue(entered.await(30, TimeUnit.SECONDS));

        p.close();

        assertFalse(runner.get().isAlive(), "close() returned while the execution's thread still runs: "
                + runner.get().getState());
        PipelineResult<String, String> r = f.get(30, TimeUnit.SECONDS);
        assertFalse(r.succeeded());
        assertInstanceOf(CancelledException.class, r.error());
        assertEquals(1, p.stats().failures());
        assertEquals(0, p.stats().inFlight());
        assertTrue(log.lines().isEmpty(), log.lines().toString());
    }

    @Test
    void closeGivesUpOnAStageThatIgnoresInterruptsAndNamesItsThread() throws Exception {
        AtomicReference<Thread> runner = new AtomicReference<>();
        CountDownLatch entered = new CountDownLatch(1);
        Pipeline<String, String> p = goflow.pipeline("async-stuck")
                .stage("stuck", (String s) -> {
                    runner.set(Thread.currentThread());
                    entered.countDown();
                    ignoreInterruptsUntilReleased();
                    return s;
                })
                .build();
        CompletableFuture<PipelineResult<String, String>> f = p.executeAsync(Context.background(), "x");
        assertTrue(entered.await(30, TimeUnit.SECONDS));

        p.close(); // returns: bounded

        assertTrue(runner.get().isAlive());
        assertEquals(1, log.lines().size(), log.lines().toString());
        String warning = log.lines().get(0);
        assertTrue(warning.startsWith("WARNING pipeline 'async-stuck': close gave up"), warning);
        assertTrue(warning.contains(runner.get().getName()), warning);
        assertTrue(warning.contains("ignoreInterruptsUntilReleased"), warning);

        release.set(true);
        PipelineResult<String, String> r = f.get(30, TimeUnit.SECONDS);
        assertFalse(r.succeeded(), "an execution that close() cancelled is not a success");
        assertInstanceOf(CancelledException.class, r.error());
        runner.get().join(30_000);
        assertFalse(runner.get().isAlive());
    }

    @Test
    void closeWaitsForTheThreadsOfTheStreamingRunsItCancels() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        Pipeline<Integer, Integer> p = goflow.pipeline("streaming-blocked")
                .stage("block", (Integer i) -> {
                    entered.countDown();
                    new CountDownLatch(1).await();
                    return i;
                })
                .build();
        StreamingRun run = p.stream().start(Context.background(), List.of(1, 2, 3), i -> { });
        assertTrue(entered.await(30, TimeUnit.SECONDS));

        p.close();

        List<Thread> alive = threadsNamed("goflow-pipeline-streaming-blocked-");
        assertTrue(alive.isEmpty(), "close() returned while threads of its run still run: " + alive);
        assertTrue(run.completion().isDone());
        assertInstanceOf(CancelledException.class, run.await().error());
    }

    @Test
    void closeGivesUpOnAStreamingStageThatIgnoresInterruptsAndNamesItsThread() throws Exception {
        AtomicReference<Thread> worker = new AtomicReference<>();
        CountDownLatch entered = new CountDownLatch(1);
        Pipeline<Integer, Integer> p = goflow.pipeline("streaming-stuck")
                .stage("stuck", (Integer i) -> {
                    worker.set(Thread.currentThread());
                    entered.countDown();
                    ignoreInterruptsUntilReleased();
                    return i;
                })
                .build();
        StreamingRun run = p.stream().start(Context.background(), List.of(1, 2, 3), i -> { });
        assertTrue(entered.await(30, TimeUnit.SECONDS));

        p.close();

        assertEquals(1, log.lines().size(), log.lines().toString());
        String warning = log.lines().get(0);
        assertTrue(warning.startsWith("WARNING pipeline 'streaming-stuck': close gave up"), warning);
        assertTrue(warning.contains(worker.get().getName()), warning);
        assertTrue(warning.contains("ignoreInterruptsUntilReleased"), warning);
        assertFalse(warning.contains("goflow-pipeline-streaming-stuck-1 ("), "the source thread ended: " + warning);

        release.set(true);
        assertInstanceOf(CancelledException.class, run.await().error());
    }

    @Test
    void closeFromInsideAStageOfAnAsyncExecutionDoesNotWaitForItself() throws Exception {
        AtomicReference<Pipeline<String, String>> self = new AtomicReference<>();
        Pipeline<String, String> p = goflow.pipeline("closes-itself")
                .stage("close", (String s) -> {
                    self.get().close();
                    return s + "!";
                })
                .build();
        self.set(p);

        PipelineResult<String, String> r = p.executeAsync(Context.background(), "x").get(30, TimeUnit.SECONDS);

        assertTrue(r.succeeded(), () -> String.valueOf(r.error()));
        assertEquals("x!", r.output());
        Eventually.until(() -> threadsNamed("goflow-pipeline-closes-itself-").isEmpty());
        assertTrue(log.lines().isEmpty(), log.lines().toString());
    }

    private void ignoreInterruptsUntilReleased() {
        while (!release.get()) {
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static List<Thread> threadsNamed(String prefix) {
        List<Thread> found = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix) && t.isAlive()) {
                found.add(t);
            }
        }
        return found;
    }
}
