package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
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
import goflow.api.pipeline.StreamingResult;
import goflow.api.pipeline.StreamingRun;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/**
 * A cancelled run (cancel(), its context, its pipeline closed) reports the cancellation as its
 * error, even when the source, the sink or the error handler, interrupted by that cancellation,
 * then throws: as with a stage, such an exception is a consequence of the stop, not its reason.
 */
class StreamingStopReasonTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlow goflow = new GoFlowImpl();

    @AfterEach
    void close() {
        goflow.close();
        assertFalse(Thread.interrupted(), "the test thread was left interrupted");
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    /** Blocks until interrupted, then gives up with an unchecked exception, as callbacks must. */
    private static void blockUntilInterrupted(CountDownLatch entered, String who) {
        entered.countDown();
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(who + " interrupted", e);
        }
    }

    private static void awaitEntered(CountDownLatch entered) throws InterruptedException {
        assertTrue(entered.await(Eventually.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void aSinkThatGivesUpWhenTheRunIsCancelledLeavesTheCancellationAsTheError() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("sink-gives-up").stage("id", (Integer i) -> i).build();
        CountDownLatch entered = new CountDownLatch(1);
        StreamingRun run = p.stream().start(Context.background(), range(4), o -> blockUntilInterrupted(entered, "sink"));
        awaitEntered(entered);
        run.cancel();
        StreamingResult r = run.await();
        assertInstanceOf(CancelledException.class, r.error());
        assertEquals(0, r.itemsOut());
        assertEquals(r.itemsIn(), r.itemsDropped());
    }

    @Test
    void anErrorHandlerThatGivesUpWhenThePipelineIsClosedLeavesTheCancellationAsTheError() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("handler-gives-up").<Integer, Integer>stage("fail", (Integer i) -> {
            throw new IllegalArgumentException("bad " + i);
        }).build();
        CountDownLatch entered = new CountDownLatch(1);
        StreamingRun run = p.stream().onError((item, failure) -> blockUntilInterrupted(entered, "handler"))
                .start(Context.background(), range(4), o -> { });
        awaitEntered(entered);
        p.close();
        StreamingResult r = run.await();
        assertInstanceOf(CancelledException.class, r.error());
        assertEquals(1, r.itemsFailed());
    }

    @Test
    void aSourceThatGivesUpWhenTheRunIsCancelledLeavesTheCancellationAsTheError() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("source-gives-up").stage("id", (Integer i) -> i).build();
        CountDownLatch entered = new CountDownLatch(1);
        Iterator<Integer> source = new Iterator<>() {
            @Override
            public boolean hasNext() {
                blockUntilInterrupted(entered, "source");
                return true;
            }

            @Override
            public Integer next() {
                return 0;
            }
        };
        StreamingRun run = p.stream().start(Context.background(), source, o -> { });
        awaitEntered(entered);
        run.cancel();
        StreamingResult r = run.await();
        assertInstanceOf(CancelledException.class, r.error());
        assertEquals(0, r.itemsIn());
    }
}
