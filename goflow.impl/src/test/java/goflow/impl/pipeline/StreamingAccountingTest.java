package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineStats;
import goflow.api.pipeline.StreamingResult;
import goflow.api.pipeline.StreamingRun;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/**
 * Every item of a streaming run is counted exactly once: delivered (the sink returned normally),
 * failed (in a stage, handed to the error handler or stopping a run without one) or dropped (the
 * run stopped first, or the sink threw). The pipeline's statistics agree with the run's result: a
 * streamed item is a success once the sink accepted it and a failure once it was counted failed;
 * a dropped item is neither.
 */
class StreamingAccountingTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final GoFlow goflow = new GoFlowImpl(clock, "test");

    @AfterEach
    void close() {
        goflow.close();
        assertFalse(Thread.interrupted(), "the test thread was left interrupted");
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    /** Waits for {@code latch} as a sink that ignores interrupts would, then restores the flag. */
    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (!latch.await(Eventually.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                        throw new AssertionError("never released");
                    }
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The run's counters add up, and the pipeline's statistics (of this run alone) agree. */
    private static void assertAccounted(StreamingResult r, Pipeline<?, ?> p) {
        assertEquals(r.itemsIn(), r.itemsOut() + r.itemsFailed() + r.itemsDropped(), r.toString());
        PipelineStats s = p.stats();
        assertEquals(r.itemsOut(), s.successes(), "successes: " + s + " / " + r);
        assertEquals(r.itemsFailed(), s.failures(), "failures: " + s + " / " + r);
        assertEquals(r.itemsOut() + r.itemsFailed(), s.executions());
        assertEquals(0, s.inFlight());
    }

    @Test
    void anItemWhoseSinkThrowsIsDroppedNotASuccess() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("sink-throws").stage("id", (Integer i) -> i).build();
        RuntimeException sinkBug = new IllegalStateException("sink bug");
        StreamingResult r = p.run(Context.background(), range(100), o -> {
            if (o == 2) {
                throw sinkBug;
            }
        });
        assertSame(sinkBug, r.error());
        assertEquals(2, r.itemsOut());
        assertEquals(0, r.itemsFailed());
        assertAccounted(r, p);
    }

    /** An Error thrown by the sink is not caught like an exception, but must be counted the same. */
    @Test
    void anItemWhoseSinkThrowsAnErrorIsDroppedNotASuccess() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("sink-error").stage("id", (Integer i) -> i).build();
        Error sinkError = new AssertionError("sink error");
        StreamingResult r = p.run(Context.background(), range(100), o -> {
            if (o == 2) {
                throw sinkError;
            }
        });
        assertSame(sinkError, r.error());
        assertEquals(2, r.itemsOut());
        assertAccounted(r, p);
    }

    /**
     * Items past the last stage but not yet given to the sink when the pipeline is closed are
     * dropped; the one the blocked sink holds is delivered once the sink returns normally.
     */
    @Test
    void itemsWaitingForABlockedSinkWhenThePipelineIsClosedAreDroppedNotSuccesses() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("sink-blocks").stage("id", (Integer i) -> i).build();
        CountDownLatch inSink = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StreamingRun run = p.stream().start(Context.background(), range(4), o -> {
            inSink.countDown();
            awaitIgnoringInterrupts(release);
        });
        assertEquals(true, inSink.await(Eventually.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        Eventually.until(() -> p.stats().stage("id").orElseThrow().count() == 4);
        p.close();
        release.countDown();
        StreamingResult r = run.await();
        assertInstanceOf(CancelledException.class, r.error());
        assertEquals(4, r.itemsIn());
        assertEquals(1, r.itemsOut(), "the sink returned normally: item 0 was delivered");
        assertEquals(3, r.itemsDropped());
        assertAccounted(r, p);
    }

    /** A sink blocked interruptibly gives up (throws) when the run is cancelled: its item is dropped. */
    @Test
    void anItemWhoseSinkGivesUpWhenTheRunIsCancelledIsDroppedNotASuccess() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("sink-gives-up").stage("id", (Integer i) -> i).build();
        CountDownLatch inSink = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        StreamingRun run = p.stream().start(Context.background(), range(4), o -> {
            inSink.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException("sink interrupted", e);
            }
        });
        assertEquals(true, inSink.await(Eventually.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        Eventually.until(() -> p.stats().stage("id").orElseThrow().count() == 4);
        run.cancel();
        StreamingResult r = run.await();
        assertEquals(0, r.itemsOut());
        assertEquals(4, r.itemsDropped());
        assertAccounted(r, p);
    }

    /** Failed items still queued for the error handler when the run is cancelled are dropped. */
    @Test
    void failedItemsWaitingForABlockedErrorHandlerWhenTheRunIsCancelledAreDroppedNotFailures() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("handler-blocks").<Integer, Integer>stage("fail", (Integer i) -> {
            throw new IllegalArgumentException("bad " + i);
        }).build();
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StreamingRun run = p.stream().onError((item, failure) -> {
            inHandler.countDown();
            awaitIgnoringInterrupts(release);
        }).start(Context.background(), range(4), o -> { });
        assertEquals(true, inHandler.await(Eventually.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        Eventually.until(() -> p.stats().stage("fail").orElseThrow().errors() == 4);
        run.cancel();
        release.countDown();
        StreamingResult r = run.await();
        assertInstanceOf(CancelledException.class, r.error());
        assertEquals(1, r.itemsFailed(), "item 0 was handed to the handler");
        assertEquals(3, r.itemsDropped());
        assertAccounted(r, p);
    }

    /** Once the run has ended nothing is between the source and the sink: the dropped items left. */
    @Test
    void nothingIsInFlightOnceARunWithDroppedItemsHasEnded() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("ended").stageWithContext("wait", (Context ctx, Integer i) -> {
            ctx.sleep(Duration.ofDays(1));
            return i;
        }).build();
        StreamingRun run = p.stream().start(Context.background(), range(10), o -> { });
        Eventually.until(() -> run.itemsIn() == 10 && p.stats().stage("wait").orElseThrow().inFlight() == 1);
        assertEquals(10, run.itemsInFlight());
        run.cancel();
        StreamingResult r = run.await();
        assertEquals(10, r.itemsDropped());
        assertEquals(0, run.itemsInFlight(), "in flight after the end");
        assertEquals(0, p.stats().inFlight());
        assertEquals(r.itemsIn(), run.itemsIn());
        assertEquals(r.itemsOut(), run.itemsOut());
        assertEquals(r.itemsFailed(), run.itemsFailed());
    }

    /** Counting a success when the sink accepts it must not move the span of the execution. */
    @Test
    void aStreamedItemsExecutionSpansTheSourceToItsLastStageNotTheSink() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("span").stage("work", (Integer i) -> {
            clock.advance(Duration.ofMillis(10));
            return i;
        }).build();
        StreamingResult r = p.run(Context.background(), List.of(1), o -> clock.advance(Duration.ofSeconds(1)));
        assertEquals(1, r.itemsOut());
        PipelineStats s = p.stats();
        assertEquals(1, s.successes());
        assertEquals(Duration.ofMillis(10), s.totalDuration());
        assertEquals(Instant.parse("2026-01-01T00:00:00.010Z"), s.lastExecution());
    }
}
