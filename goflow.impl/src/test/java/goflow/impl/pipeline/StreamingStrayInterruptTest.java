package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

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
import goflow.api.pipeline.StreamingResult;
import goflow.api.pipeline.StreamingRun;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/**
 * Streaming runs whose user code (a stage, the sink, the error handler, the source) leaves the
 * thread's interrupt flag set, as the common {@code catch (InterruptedException e) {
 * Thread.currentThread().interrupt(); ... }} idiom does: such a stray interrupt is not the run
 * being stopped, and must neither hang the run nor lose items.
 */
class StreamingStrayInterruptTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlow goflow = new GoFlowImpl();

    @AfterEach
    void close() {
        goflow.close();
        assertFalse(Thread.interrupted(), "the test thread was left interrupted");
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
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
    void aStageThatLeavesItsThreadInterruptedDoesNotHangTheRun() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("stray-stage")
                .stage("a", (Integer x) -> {
                    Thread.currentThread().interrupt(); // e.g. restored after catching an InterruptedException
                    return x + 1;
                })
                .stage("b", (Integer x) -> x * 10)
                .build();
        List<Integer> got = new CopyOnWriteArrayList<>();
        StreamingResult r = endOf(p.stream().start(Context.background(), range(50), got::add));
        assertNull(r.error());
        assertEquals(50, r.itemsOut());
        assertEquals(IntStream.range(0, 50).map(x -> (x + 1) * 10).boxed().toList(), got);
    }

    @Test
    void aFailingStageThatLeavesItsThreadInterruptedDoesNotHangARunWithAnErrorHandler() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("stray-failing-stage")
                .stage("a", (Integer x) -> {
                    if (x % 2 == 0) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("gave up on " + x);
                    }
                    return x;
                })
                .build();
        List<Integer> failedItems = new CopyOnWriteArrayList<>();
        StreamingResult r = endOf(p.stream().onError((item, failure) -> failedItems.add(item))
                .start(Context.background(), range(20), x -> { }));
        assertNull(r.error());
        assertEquals(10, r.itemsOut());
        assertEquals(10, r.itemsFailed());
        assertEquals(IntStream.range(0, 20).filter(x -> x % 2 == 0).boxed().toList(), failedItems);
    }

    @Test
    void aSinkThatLeavesItsThreadInterruptedDoesNotHangTheRun() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("stray-sink").stage("a", (Integer x) -> x).build();
        List<Integer> got = new CopyOnWriteArrayList<>();
        StreamingResult r = endOf(p.stream().start(Context.background(), range(30), x -> {
            got.add(x);
            Thread.currentThread().interrupt();
        }));
        assertNull(r.error());
        assertEquals(range(30), got);
    }

    @Test
    void aSourceThatLeavesItsThreadInterruptedDoesNotHangTheRun() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("stray-source").stage("a", (Integer x) -> x).build();
        Iterator<Integer> source = new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                return next < 30;
            }

            @Override
            public Integer next() {
                Thread.currentThread().interrupt();
                return next++;
            }
        };
        List<Integer> got = new CopyOnWriteArrayList<>();
        StreamingResult r = endOf(p.stream().start(Context.background(), source, got::add));
        assertNull(r.error());
        assertEquals(range(30), got);
    }

    @Test
    void cancellingARunStillStopsItsThreads() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("cancelled").stage("a", (Integer x) -> {
            Thread.sleep(60_000);
            return x;
        }).build();
        StreamingRun run = p.stream().start(Context.background(), range(5), x -> { });
        Eventually.until(() -> p.stats().stage("a").orElseThrow().inFlight() == 1);
        run.cancel();
        StreamingResult r = endOf(run);
        assertEquals(goflow.api.context.CancelledException.class, r.error().getClass());
    }
}
