package goflow.impl.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collector;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.stream.Stream;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/** collect() when the collector itself fails before the first element. */
@Timeout(30)
class StreamCollectFailuresTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "test");
    private final Context ctx = Context.background(clock);

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    @Test
    void aCollectorWhoseSupplierFailsStillClosesTheStream() {
        AtomicInteger closed = new AtomicInteger();
        IllegalStateException failure = new IllegalStateException("no container");
        Stream<Integer> s = goflow.streams().fromStream(java.util.stream.Stream.of(1, 2).onClose(closed::incrementAndGet));
        Collector<Integer, ?, List<Integer>> broken = Collector.of(() -> {
            throw failure;
        }, (List<Integer> a, Integer t) -> a.add(t), (a, b) -> a);
        Throwable thrown = assertThrows(Throwable.class, () -> s.collect(ctx, broken));
        assertSame(failure, thrown);
        assertEquals(1, closed.get(), "the source's close hook ran");
        assertTrue(s.isClosed(), "a terminal operation that failed closes the stream");
    }

    @Test
    void collectStillFailsAsSingleUseAndCollects() throws Exception {
        Stream<Integer> s = goflow.stream(List.of(1, 2));
        s.count(ctx);
        assertThrows(goflow.api.stream.StreamClosedException.class, () -> s.collect(ctx, Collectors.toList()));
        assertEquals(List.of(1, 2), goflow.stream(List.of(1, 2)).collect(ctx, Collectors.toList()));
        assertEquals("1,2", goflow.stream(List.of("1", "2")).collect(ctx, Collectors.joining(",")));
    }
}
