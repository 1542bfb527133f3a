package goflow.impl.stream;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collector;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.stream.Stream;
import goflow.api.stream.StreamException;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/**
 * A checked exception thrown without being declared (Lombok's {@code @SneakyThrows}, Kotlin) by
 * what a stream calls through a JDK type - a {@code Supplier} or {@code Iterator} source, a
 * collector - arrives as a {@link StreamException} whose cause it is, as the Stream javadoc says of
 * checked exceptions, and the stream is closed.
 */
@Timeout(30)
class StreamSneakyCheckedExceptionTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "test");
    private final Context ctx = Context.background(clock);

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    @Test
    void fromAGeneratorSource() {
        IOException io = new IOException("disk gone");
        AtomicInteger n = new AtomicInteger();
        Stream<Integer> s = goflow.streams().generate(() -> {
            if (n.incrementAndGet() == 3) {
                throw sneaky(io);
            }
            return n.get();
        });
        StreamException e = assertThrows(StreamException.class, () -> s.toList(ctx));
        assertSame(io, e.getCause());
        assertTrue(e.getMessage().contains("toList"), e.getMessage());
        assertTrue(s.isClosed());
    }

    @Test
    void fromAnIteratorSource() {
        IOException io = new IOException("socket reset");
        Iterator<String> it = new Iterator<>() {
            @Override
            public boolean hasNext() {
                throw sneaky(io);
            }

            @Override
            public String next() {
                throw new AssertionError("not reached");
            }
        };
        Stream<String> s = goflow.streams().fromIterator(it);
        StreamException e = assertThrows(StreamException.class, () -> s.count(ctx));
        assertSame(io, e.getCause());
        assertTrue(s.isClosed());
    }

    @Test
    void fromACollector() {
        IOException io = new IOException("no container");
        Stream<Integer> s = goflow.streams().of(List.of(1, 2, 3));
        Collector<Integer, Object, Integer> failing = Collector.<Integer, Object, Integer>of(() -> {
            throw sneaky(io);
        }, (a, b) -> { }, (a, b) -> a, a -> 0);
        StreamException e = assertThrows(StreamException.class, () -> s.collect(ctx, failing));
        assertSame(io, e.getCause());
        assertTrue(s.isClosed());
    }

    @Test
    void fromACollectorsFinisher() {
        IOException io = new IOException("cannot finish");
        Stream<Integer> s = goflow.streams().of(List.of(1, 2, 3));
        Collector<Integer, int[], Integer> failing = Collector.<Integer, int[], Integer>of(() -> new int[1],
                (a, t) -> a[0] += t, (a, b) -> a, a -> {
                    throw sneaky(io);
                });
        StreamException e = assertThrows(StreamException.class, () -> s.collect(ctx, failing));
        assertSame(io, e.getCause());
        assertTrue(e.getMessage().contains("collect"), e.getMessage());
        assertTrue(s.isClosed());
    }
}
