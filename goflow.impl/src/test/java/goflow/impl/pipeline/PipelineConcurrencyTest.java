package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineListener;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.StageResult;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/** Timeouts, cancellation, executors and asynchronous executions. */
class PipelineConcurrencyTest extends NoThreadLeaks.LeakCheckedTest {

    @AfterEach
    void testThreadIsNotLeftInterrupted() {
        assertFalse(Thread.interrupted(), "the test thread was left interrupted");
    }
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "test");
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void close() throws InterruptedException {
        goflow.close();
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** A stage that waits until its context is done, then reports why. */
    private static Object waitForContext(Context ctx, CountDownLatch entered) throws InterruptedException {
        entered.countDown();
        ctx.sleep(Duration.ofDays(1));
        return "never";
    }

    @Test
    void timeoutCancelsTheContextOfTheStageInFlightWithoutExecutor() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        AtomicReference<Context> stageCtx = new AtomicReference<>();
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        Pipeline<String, Object> p = goflow.pipeline("timeout-inline").timeout(Duration.ofSeconds(2))
                .stage("fast", (String s) -> {
                    ran.add("fast");
                    return s;
                })
                .stageWithContext("slow", (ctx, s) -> {
                    stageCtx.set(ctx);
                    return waitForContext(ctx, entered);
                })
                .stage("after", (Object s) -> {
                    ran.add("after");
                    return s;
                })
                .build();
        CompletableFuture<PipelineResult<String, Object>> f = p.executeAsync(Context.background(clock), "x");
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        clock.advance(Duration.ofMillis(1999));
        assertFalse(stageCtx.get().isDone());
        clock.advance(Duration.ofMillis(1));

        PipelineResult<String, Object> r = f.get(10, TimeUnit.SECONDS);
        assertTrue(stageCtx.get().isDone());
        assertInstanceOf(DeadlineExceededException.class, r.error());
        assertEquals("slow", r.failedStage().orElseThrow().stageName());
        assertEquals(List.of("fast"), ran);
        assertEquals(2, r.stages().size());
        assertEquals(Duration.ofSeconds(2), r.duration());
    }

    @Test
    void timeoutReturnsAtTheDeadlineWithAnExecutorEvenIfTheStageIgnoresItsContext() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        AtomicReference<Context> stageCtx = new AtomicReference<>();
        Pipeline<String, String> p = goflow.pipeline("timeout-pool").timeout(Duration.ofSeconds(1)).executor(pool)
                .stageWithContext("stubborn", (Context ctx, String s) -> {
                    stageCtx.set(ctx);
                    entered.countDown();
                    release.await(); // ignores ctx
                    return s;
                })
                .build();
        CompletableFuture<PipelineResult<String, String>> f = p.executeAsync(Context.background(clock), "x");
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        assertEquals(1, p.stats().stage("stubborn").orElseThrow().inFlight());
        clock.advance(Duration.ofSeconds(1));

        PipelineResult<String, String> r = f.get(10, TimeUnit.SECONDS);
        assertInstanceOf(DeadlineExceededException.class, r.error());
        assertTrue(stageCtx.get().isDone(), "the stage's context is cancelled");
        assertEquals(1, p.stats().failures());
        assertEquals(1, p.stats().stage("stubborn").orElseThrow().errors());
        assertEquals(0, p.stats().stage("stubborn").orElseThrow().inFlight());
        release.countDown();
    }

    @Test
    void cancellingTheCallersContextStopsTheExecutionMidStage() throws Exception {
        for (boolean withPool : new boolean[] {false, true}) {
            CountDownLatch entered = new CountDownLatch(1);
            var start = goflow.pipeline("cancel-" + withPool);
            if (withPool) {
                start.executor(pool);
            }
            List<String> ran = Collections.synchronizedList(new ArrayList<>());
            Pipeline<String, Object> p = start.stageWithContext("wait", (Context c, String s) -> waitForContext(c, entered))
                    .stage("never", (Object s) -> {
                        ran.add("never");
                        return s;
                    }).build();
            CancellableContext ctx = Context.background(clock).withCancel();
            CompletableFuture<PipelineResult<String, Object>> f = p.executeAsync(ctx, "x");
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            ctx.cancel();
            PipelineResult<String, Object> r = f.get(10, TimeUnit.SECONDS);
            assertInstanceOf(CancelledException.class, r.error(), "pool=" + withPool);
            assertEquals(1, r.stages().size());
            assertTrue(ran.isEmpty());
        }
    }

    @Test
    void throwingStagesNeverHangWithOrWithoutAnExecutor() throws Exception {
        for (boolean withPool : new boolean[] {false, true}) {
            var start = goflow.pipeline("throwing-" + withPool);
            if (withPool) {
                start.executor(pool);
            }
            Pipeline<Integer, Integer> exception = start.<Integer, Integer>stage("ex", (Integer i) -> {
                throw new IllegalStateException("bad");
            }).build();
            var start2 = goflow.pipeline("erroring-" + withPool).continueOnError();
            if (withPool) {
                start2.executor(pool);
            }
            Pipeline<Integer, Integer> error = start2.<Integer, Integer>stage("err", (Integer i) -> {
                throw new AssertionError("worse");
            }).stage("next", i -> i + 1).build();

            PipelineResult<Integer, Integer> r1 = exception.executeAsync(Context.background(), 1).get(10,
                    TimeUnit.SECONDS);
            assertInstanceOf(IllegalStateException.class, r1.error());
            PipelineResult<Integer, Integer> r2 = error.execute(Context.background(), 1);
            assertInstanceOf(AssertionError.class, r2.error());
            assertEquals(2, r2.stages().size());
            assertEquals(2, r2.stages().get(1).output());
        }
    }

    @Test
    void executorRunsEachStageAndKeepsThemSequential() {
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        Pipeline<Integer, Integer> p = goflow.pipeline("pooled").executor(pool)
                .stage("a", (Integer i) -> {
                    threads.add(Thread.currentThread().getName());
                    return i + 1;
                })
                .stage("b", (Integer i) -> {
                    threads.add(Thread.currentThread().getName());
                    return i * 2;
                })
                .build();
        PipelineResult<Integer, Integer> r = p.execute(Context.background(), 1);
        assertEquals(4, r.output());
        assertEquals(2, threads.size());
        assertTrue(threads.stream().allMatch(n -> n.startsWith("pool-")), threads.toString());
    }

    @Test
    void aRejectingExecutorFailsTheStage() {
        Pipeline<Integer, Integer> p = goflow.pipeline("rejected").executor(r -> {
            throw new RejectedExecutionException("queue full");
        }).stage("a", (Integer i) -> i).build();
        PipelineResult<Integer, Integer> r = p.execute(Context.background(), 1);
        assertTrue(r.failed());
        assertEquals("pipeline 'rejected': failed to submit stage 'a' to the executor: "
                + "java.util.concurrent.RejectedExecutionException: queue full", r.error().getMessage());
        assertEquals(0, p.stats().stage("a").orElseThrow().inFlight());
    }

    @Test
    void aDirectExecutorWorks() {
        Pipeline<Integer, Integer> p = goflow.pipeline("direct").executor(Runnable::run)
                .stage("a", (Integer i) -> i + 1).stage("b", i -> i * 3).build();
        assertEquals(6, p.execute(Context.background(), 1).output());
    }

    @Test
    void interruptingTheWaitingCallerCancelsTheExecution() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        Pipeline<String, Object> p = goflow.pipeline("interrupted").executor(pool)
                .stageWithContext("wait", (Context c, String s) -> waitForContext(c, entered)).build();
        AtomicReference<PipelineResult<String, Object>> result = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            result.set(p.execute(Context.background(clock), "x"));
            flag.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        caller.interrupt();
        caller.join(10_000);
        assertFalse(caller.isAlive());
        assertInstanceOf(CancelledException.class, result.get().error());
        assertInstanceOf(InterruptedException.class, result.get().error().getCause());
        assertTrue(flag.get(), "the interrupt flag is restored");
    }

    @Test
    void cancellingTheFutureCancelsTheExecution() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        AtomicReference<Context> stageCtx = new AtomicReference<>();
        Pipeline<String, Object> p = goflow.pipeline("future-cancel").stageWithContext("wait", (Context ctx, String s) -> {
            stageCtx.set(ctx);
            return waitForContext(ctx, entered);
        }).build();
        CompletableFuture<PipelineResult<String, Object>> f = p.executeAsync(Context.background(clock), "x");
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        f.cancel(true);
        Eventually.until(() -> stageCtx.get().isDone());
        Eventually.until(() -> p.stats().executions() == 1);
        assertEquals(1, p.stats().failures());
    }

    @Test
    void asyncListenersRunInOrderOnExecutorThreads() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        PipelineListener l = new PipelineListener() {
            @Override
            public void onPipelineStart(String pipeline, Object input) {
                events.add("start");
            }

            @Override
            public void onStageStart(String pipeline, String stage, Object input) {
                events.add("stageStart:" + stage);
            }

            @Override
            public void onStageComplete(String pipeline, StageResult result) {
                events.add("stageComplete:" + result.stageName());
            }

            @Override
            public void onStageError(String pipeline, StageResult result) {
                events.add("stageError:" + result.stageName());
            }

            @Override
            public void onPipelineComplete(PipelineResult<?, ?> result) {
                events.add("complete");
            }
        };
        Pipeline<Integer, Integer> p = goflow.pipeline("async-listened").executor(pool).listener(l)
                .stage("a", (Integer i) -> i).<Integer>stage("b", (Integer i) -> {
                    throw new IllegalStateException();
                }).build();
        PipelineResult<Integer, Integer> r = p.executeAsync(Context.background(), 1).get(10, TimeUnit.SECONDS);
        assertTrue(r.failed());
        assertEquals(List.of("start", "stageStart:a", "stageComplete:a", "stageStart:b", "stageComplete:b",
                "stageError:b", "complete"), events);
    }

    @Test
    void closingThePipelineLetsRunningExecutionsFinish() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        Pipeline<String, String> p = goflow.pipeline("closing").stageWithContext("a", (Context ctx, String s) -> {
            entered.countDown();
            release.await();
            return s + "!";
        }).build();
        CompletableFuture<PipelineResult<String, String>> f = p.executeAsync(Context.background(), "x");
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        // close() waits (within PipelineImpl.CLOSE_GRACE) for the execution: release it meanwhile
        Thread closer = new Thread(p::close, "closer");
        closer.start();
        Eventually.until(() -> goflow.registry().find("closing").isEmpty()); // close() has begun
        release.countDown();
        closer.join(30_000);
        assertFalse(closer.isAlive());
        assertTrue(f.isDone(), "close() returned before the execution it waited for");
        assertEquals("x!", f.get(10, TimeUnit.SECONDS).output());
        assertNull(f.get().error());
        assertEquals(1L, p.stats().executions());
    }

    @Test
    void withoutAnExecutorTheTimeoutInterruptsAStageThatIgnoresItsContextAndTheInterruptDoesNotLeak()
            throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        Pipeline<String, String> p = goflow.pipeline("sleepy").timeout(Duration.ofSeconds(1))
                .stage("sleep", (String s) -> {
                    entered.countDown();
                    Thread.sleep(60_000); // ignores the context, but is interruptible
                    return s;
                }).build();
        AtomicReference<PipelineResult<String, String>> result = new AtomicReference<>();
        AtomicReference<Boolean> leaked = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            result.set(p.execute(Context.background(clock), "x"));
            leaked.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        clock.advance(Duration.ofSeconds(1));
        caller.join(10_000);
        assertFalse(caller.isAlive());
        // the stage's own InterruptedException is kept as suppressed by the timeout's error
        Throwable stageError = result.get().failedStage().orElseThrow().error();
        assertInstanceOf(DeadlineExceededException.class, stageError);
        assertInstanceOf(InterruptedException.class, stageError.getSuppressed()[0]);
        assertInstanceOf(DeadlineExceededException.class, result.get().error());
        assertFalse(leaked.get(), "the pipeline's own interrupt is cleared");

        // the same through executeAsync and a cancelled future
        CountDownLatch entered2 = new CountDownLatch(1);
        Pipeline<String, String> q = goflow.pipeline("sleepy-async").stage("sleep", (String s) -> {
            entered2.countDown();
            Thread.sleep(60_000);
            return s;
        }).build();
        CompletableFuture<PipelineResult<String, String>> f = q.executeAsync(Context.background(), "x");
        assertTrue(entered2.await(10, TimeUnit.SECONDS));
        f.cancel(true);
        Eventually.until(() -> q.stats().failures() == 1);
        assertEquals(1, q.stats().stage("sleep").orElseThrow().errors());
    }

    @Test
    void aCallersOwnInterruptIsKept() throws Exception {
        Pipeline<String, String> p = goflow.pipeline("self-interrupt").stage("sleep", (String s) -> {
            Thread.sleep(60_000);
            return s;
        }).stage("never", s -> s).build();
        AtomicReference<PipelineResult<String, String>> result = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            Thread.currentThread().interrupt();
            result.set(p.execute("x"));
            flag.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        caller.join(10_000);
        assertInstanceOf(InterruptedException.class, result.get().error());
        assertEquals(1, result.get().stages().size());
        assertTrue(flag.get());
    }

    @Test
    void aCallersOwnInterruptIsKeptWhenTheTimeoutEndsAStageThatIgnoresInterrupts() throws Exception {
        // the stage honours its context but not interrupts: the caller's own interrupt, pending
        // when the timeout interrupts the stage too, is the caller's, not the pipeline's to clear
        for (boolean direct : new boolean[] {false, true}) {
            CountDownLatch entered = new CountDownLatch(1);
            var start = goflow.pipeline("keeps-interrupt-" + direct).timeout(Duration.ofSeconds(1));
            if (direct) {
                start.executor(Runnable::run); // the stage runs on the caller's thread too
            }
            Pipeline<String, String> p = start.stageWithContext("spin", (Context c, String s) -> {
                entered.countDown();
                while (!c.isDone()) {
                    Thread.onSpinWait();
                }
                return s;
            }).build();
            AtomicReference<PipelineResult<String, String>> result = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                Thread.currentThread().interrupt();
                result.set(p.execute(Context.background(clock), "x"));
                flag.set(Thread.currentThread().isInterrupted());
            });
            caller.start();
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            clock.advance(Duration.ofSeconds(1));
            caller.join(10_000);
            assertFalse(caller.isAlive());
            assertInstanceOf(DeadlineExceededException.class, result.get().error(), "direct=" + direct);
            assertTrue(flag.get(), "direct=" + direct + ": the caller's own interrupt was cleared with the pipeline's");
        }
    }

    @Test
    void withAnExecutorTheTimeoutInterruptsTheStageThreadAndClearsTheInterruptAfterwards() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        AtomicReference<Throwable> stageSaw = new AtomicReference<>();
        AtomicReference<Boolean> flagAfterTask = new AtomicReference<>();
        java.util.concurrent.Executor threadPerTask = r -> new Thread(() -> {
            r.run();
            flagAfterTask.set(Thread.currentThread().isInterrupted());
        }, "test-task").start();
        Pipeline<String, String> p = goflow.pipeline("interrupting-pool").timeout(Duration.ofSeconds(1))
                .executor(threadPerTask)
                .stage("sleep", (String s) -> {
                    entered.countDown();
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        stageSaw.set(e);
                        throw e;
                    }
                    return s;
                }).build();
        CompletableFuture<PipelineResult<String, String>> f = p.executeAsync(Context.background(clock), "x");
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        clock.advance(Duration.ofSeconds(1));
        PipelineResult<String, String> r = f.get(10, TimeUnit.SECONDS);
        assertInstanceOf(DeadlineExceededException.class, r.error());
        Eventually.until(() -> flagAfterTask.get() != null);
        assertInstanceOf(InterruptedException.class, stageSaw.get());
        assertFalse(flagAfterTask.get(), "the executor thread is not left interrupted");
    }
}
