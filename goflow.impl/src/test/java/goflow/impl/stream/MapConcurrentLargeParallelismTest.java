package goflow.impl.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/**
 * mapConcurrent's parallelism is documented as any positive number: a large one (Integer.MAX_VALUE
 * for "as many as there are elements") must work, not fail with an OutOfMemoryError because a
 * queue of that capacity is preallocated.
 */
@Timeout(60)
class MapConcurrentLargeParallelismTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "test");
    private final Context ctx = Context.background(clock);

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    @Test
    void aHugeParallelismWorks() throws Exception {
        assertEquals(List.of(2, 4, 6), goflow.stream(List.of(1, 2, 3)).mapConcurrent(Integer.MAX_VALUE, x -> x * 2)
                .toList(ctx));
    }

    @Test
    void aParallelismAboveThePreallocatedSizeKeepsOrderAndBound() throws Exception {
        List<Integer> in = IntStream.range(0, 1200).boxed().toList();
        assertEquals(in.stream().map(x -> x + 1).toList(),
                goflow.stream(in).mapConcurrent(1100, x -> x + 1).toList(ctx));
        assertEquals(List.of(1, 2), goflow.stream(in).mapConcurrent(1500, x -> x + 1).limit(2).toList(ctx));
    }
}
