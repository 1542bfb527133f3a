package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineStats;
import goflow.api.pipeline.StreamingResult;
import goflow.api.pipeline.StreamingRun;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/** Edges of streaming runs: user code throwing undeclared checked exceptions, pipelines without stages. */
class StreamingEdgeReviewTest extends NoThreadLeaks.LeakCheckedTest {
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

    /** Throws {@code t} without declaring it, as Kotlin or Lombok's {@code @SneakyThrows} code does. */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /** Waits for the run's end, which must come; cancels the run if it hangs, then fails. */
    private static StreamingResult endOf(StreamingRun run) throws Exception {
        try {
            return run.completion().get(10, TimeUnit.SECONDS);
        } catch (TimeoutException hung) {
            run.cancel();
            run.await();
            fail("the streaming run never ended: in=" + run.itemsIn() + " out=" + run.itemsOut() + " failed="
                    + run.itemsFailed());
            return null;
        }
    }

    @Test
    void aSourceThrowingAnUndeclaredInterruptedExceptionStopsTheRunWithIt() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("sneaky-source").stage("a", (Integer x) -> x).build();
        InterruptedException thrown = new InterruptedException("the source's own wait gave up");
        Iterator<Integer> source = new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                if (next == 3) {
                    throw sneaky(thrown);
                }
                return true;
            }

            @Override
            public Integer next() {
                return next++;
            }
        };
        List<Integer> got = new CopyOnWriteArrayList<>();
        StreamingResult r = endOf(p.stream().start(Context.background(), source, got::add));
        assertSame(thrown, r.error());
        assertEquals(3, r.itemsIn());
        assertEquals(r.itemsIn(), r.itemsOut() + r.itemsFailed() + r.itemsDropped());
    }

    @Test
    void aSinkThrowingAnUndeclaredInterruptedExceptionStopsTheRunWithIt() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("sneaky-sink").stage("a", (Integer x) -> x).build();
        InterruptedException thrown = new InterruptedException("the sink's own wait gave up");
        // More items than the run holds at once: without the output thread the source would block.
        StreamingResult r = endOf(p.stream().buffer(2).start(Context.background(), range(1000), x -> {
            if (x == 5) {
                throw sneaky(thrown);
            }
        }));
        assertSame(thrown, r.error());
        assertEquals(5, r.itemsOut());
        assertEquals(r.itemsIn(), r.itemsOut() + r.itemsFailed() + r.itemsDropped());
    }

    @Test
    void aSinkThrowingAnUndeclaredInterruptedExceptionOnTheLastItemDoesNotEndTheRunAsCompleted()
            throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("sneaky-sink-last").stage("a", (Integer x) -> x).build();
        InterruptedException thrown = new InterruptedException("the sink's own wait gave up");
        StreamingResult r = endOf(p.stream().start(Context.background(), range(3), x -> {
            if (x == 2) {
                throw sneaky(thrown);
            }
        }));
        assertSame(thrown, r.error());
        assertEquals(2, r.itemsOut());
        assertEquals(1, r.itemsDropped());
    }

    @Test
    void aStreamedItemOfAPipelineWithoutStagesTakesNoTimeInTheStatistics() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("no-stages").input(Integer.class).build();
        clock.advance(Duration.ofHours(1)); // the clock's nanoTime is far from zero
        List<Integer> got = new CopyOnWriteArrayList<>();
        StreamingResult r = endOf(p.stream().start(Context.background(), range(3), got::add));
        assertTrue(r.completed(), String.valueOf(r.error()));
        assertEquals(range(3), got);
        PipelineStats s = p.stats();
        assertEquals(3, s.successes());
        assertEquals(Duration.ZERO, s.totalDuration(), s.toString());
        assertEquals(Duration.ZERO, s.averageDuration(), s.toString());
        assertEquals(Duration.ZERO, s.maxDuration(), s.toString());
        assertEquals(clock.instant(), s.lastExecutionTime().orElseThrow());
    }
}
