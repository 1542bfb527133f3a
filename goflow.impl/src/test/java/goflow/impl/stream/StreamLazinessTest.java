package goflow.impl.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.stream.Stream;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;

/** Nothing is pulled before it is needed, and nothing at all before a terminal operation. */
class StreamLazinessTest {
    private final GoFlow goflow = new GoFlowImpl(new ManualClock(), "test");
    private final Context ctx = Context.background();
    private final AtomicInteger generated = new AtomicInteger();
    private final List<Integer> peeked = new ArrayList<>();

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    private Stream<Integer> counting() {
        return goflow.streams().generate(generated::incrementAndGet);
    }

    @Test
    void generatePeekLimitPullsExactlyAsFarAsNeeded() throws Exception {
        List<Integer> out = counting().peek(peeked::add).limit(5).toList(ctx);
        assertEquals(List.of(1, 2, 3, 4, 5), out);
        assertEquals(5, generated.get());
        assertEquals(List.of(1, 2, 3, 4, 5), peeked);
    }

    @Test
    void intermediateOperationsAloneRunNothing() {
        Stream<Integer> s = counting().peek(peeked::add).map(x -> x * 2).filter(x -> true).limit(3);
        assertEquals(0, generated.get());
        s.close();
        assertEquals(0, generated.get());
        assertTrue(peeked.isEmpty());
    }

    @Test
    void eachElementTravelsTheWholeChainBeforeTheNextIsPulled() throws Exception {
        List<String> trace = new ArrayList<>();
        counting().peek(x -> trace.add("a" + x)).map(x -> x * 10).peek(x -> trace.add("b" + x)).limit(3)
                .forEach(ctx, x -> trace.add("out" + x));
        assertEquals(List.of("a1", "b10", "out10", "a2", "b20", "out20", "a3", "b30", "out30"), trace);
    }

    @Test
    void shortCircuitingTerminalsStopPulling() throws Exception {
        assertEquals(Optional.of(4), counting().filter(x -> x > 3).findFirst(ctx));
        assertEquals(4, generated.getAndSet(0));
        assertTrue(counting().anyMatch(ctx, x -> x == 7));
        assertEquals(7, generated.getAndSet(0));
        assertEquals(false, counting().allMatch(ctx, x -> x < 3));
        assertEquals(3, generated.getAndSet(0));
        assertEquals(false, counting().noneMatch(ctx, x -> x == 2));
        assertEquals(2, generated.getAndSet(0));
    }

    @Test
    void takeWhileStopsAtTheFirstMismatch() throws Exception {
        assertEquals(List.of(1, 2, 3), counting().takeWhile(x -> x < 4).toList(ctx));
        assertEquals(4, generated.get());
    }

    @Test
    void limitZeroPullsNothing() throws Exception {
        assertEquals(List.of(), counting().limit(0).toList(ctx));
        assertEquals(0, generated.get());
    }

    @Test
    void limitAfterSkipAndFilterPullsOnlyWhatItNeeds() throws Exception {
        assertEquals(List.of(4, 6), counting().skip(2).filter(x -> x % 2 == 0).limit(2).toList(ctx));
        assertEquals(6, generated.get());
    }

    @Test
    void batchPassesAFullBatchWithoutPullingFurther() throws Exception {
        assertEquals(List.of(List.of(1, 2, 3)), counting().batch(3).limit(1).toList(ctx));
        assertEquals(3, generated.get());
    }

    @Test
    void flatMapPullsInnerElementsOnlyAsNeeded() throws Exception {
        AtomicInteger inner = new AtomicInteger();
        List<Integer> out = counting()
                .flatMap(x -> goflow.streams().generate(inner::incrementAndGet).limit(3))
                .limit(4)
                .toList(ctx);
        assertEquals(List.of(1, 2, 3, 4), out);
        assertEquals(2, generated.get());
        assertEquals(4, inner.get());
    }

    @Test
    void javaStreamSourceIsPulledLazily() throws Exception {
        AtomicInteger pulled = new AtomicInteger();
        java.util.stream.Stream<Integer> source = java.util.stream.Stream.iterate(1, x -> x + 1)
                .peek(x -> pulled.incrementAndGet());
        assertEquals(List.of(1, 2, 3), goflow.streams().fromStream(source).limit(3).toList(ctx));
        assertEquals(3, pulled.get());
    }

    @Test
    void iteratorSourceIsPulledLazily() throws Exception {
        AtomicInteger pulled = new AtomicInteger();
        java.util.Iterator<Integer> it = new java.util.Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                return pulled.incrementAndGet();
            }
        };
        assertEquals(Optional.of(2), goflow.streams().fromIterator(it).filter(x -> x % 2 == 0).findFirst(ctx));
        assertEquals(2, pulled.get());
    }
}
