package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.StreamingResult;
import goflow.impl.GoFlowImpl;
import goflow.impl.internal.GrowingRing;
import goflow.impl.testing.NoThreadLeaks;

/**
 * A streaming buffer is documented as "at least 1": a huge one (Integer.MAX_VALUE, "no bound")
 * must not fail the start with an OutOfMemoryError, nor overflow the bound on the items in the
 * run into a single permit that lets only one item in at a time.
 */
class StreamingHugeBufferTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlow goflow = new GoFlowImpl();

    @AfterEach
    void close() {
        goflow.close();
    }

    @Test
    void aHugeBufferRunsWithSeveralItemsInFlight() throws Exception {
        int workers = 3;
        CountDownLatch together = new CountDownLatch(workers);
        Pipeline<Integer, Integer> p = goflow.pipeline("huge-buffer")
                .stage("a", (Integer x) -> {
                    together.countDown();
                    // the first items wait until `workers` of them are in this stage at once
                    if (!together.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("only " + (workers - together.getCount())
                                + " items ever got into the run at once");
                    }
                    return x + 1;
                })
                .stage("b", (Integer x) -> x * 10)
                .build();
        List<Integer> got = new CopyOnWriteArrayList<>();
        StreamingResult r = p.stream().buffer(Integer.MAX_VALUE).concurrency("a", workers)
                .run(Context.background(), IntStream.range(0, 200).boxed().toList(), got::add);
        assertNull(r.error());
        assertEquals(IntStream.range(0, 200).map(x -> (x + 1) * 10).boxed().toList(), got);
    }

    @Test
    void aBufferBeyondThePreallocatedSizeGrowsAndKeepsFifoOrderAcrossTheWrap() throws Exception {
        int capacity = 3 * GrowingRing.PREALLOCATED_MAX + 5;
        StageBuffer b = new StageBuffer(capacity);
        int put = 0;
        int taken = 0;
        // move the head off 0 so that the first growth copies a wrapped ring
        for (; put < GrowingRing.PREALLOCATED_MAX - 10; put++) {
            b.put(put);
        }
        for (; taken < 500; taken++) {
            assertEquals(taken, b.take());
        }
        for (; put < taken + capacity; put++) {
            b.put(put); // fills to the capacity, growing twice on the way
        }
        for (; taken < put; taken++) {
            assertEquals(taken, b.take());
        }
        b.put(-1);
        assertEquals(-1, b.take());
    }

    @Test
    void aBurstsArrayIsNotKeptOnceTheBufferIsEmptyAgain() throws Exception {
        StageBuffer b = new StageBuffer(Integer.MAX_VALUE);
        for (int i = 0; i < 20 * GrowingRing.PREALLOCATED_MAX; i++) {
            b.put(i);
        }
        assertEquals(32 * GrowingRing.PREALLOCATED_MAX, b.slots());
        for (int i = 0; i < 20 * GrowingRing.PREALLOCATED_MAX - 1; i++) {
            assertEquals(i, b.take());
        }
        assertEquals(32 * GrowingRing.PREALLOCATED_MAX, b.slots(), "kept while an item is left");
        assertEquals(20 * GrowingRing.PREALLOCATED_MAX - 1, b.take());
        assertEquals(GrowingRing.PREALLOCATED_MAX, b.slots(), "back to the first array");
        for (int i = 0; i < 3 * GrowingRing.PREALLOCATED_MAX; i++) {
            b.put(i);
        }
        for (int i = 0; i < 3 * GrowingRing.PREALLOCATED_MAX; i++) {
            assertEquals(i, b.take());
        }
    }
}
