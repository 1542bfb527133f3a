package goflow.impl.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import goflow.api.Clock;
import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.function.ThrowingFunction;
import goflow.api.stream.Stream;
import goflow.api.stream.StreamException;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/**
 * The functions given to stream operations may throw checked exceptions: an unchecked exception
 * or an Error reaches the caller unchanged, an InterruptedException is thrown as is by the
 * terminal operation, any other checked exception is the cause of a StreamException; in every
 * case the stream is closed and its threads have ended.
 */
@Timeout(30)
class StreamFunctionFailuresTest extends NoThreadLeaks.LeakCheckedTest {
    private static final Context CTX = Context.background();
    private final GoFlow goflow = new GoFlowImpl(Clock.system(), "test");

    @AfterEach
    void closeGoflow() {
        goflow.close();
        assertFalse(Thread.interrupted(), "the test thread was left interrupted");
    }

    /** Runs a chain whose element function (given as {@code fn}) is the one under test. */
    @FunctionalInterface
    interface Chain {
        Object run(GoFlow goflow, Stream<Integer> s, ThrowingFunction<Integer, Integer> fn) throws InterruptedException;
    }

    static List<Arguments> operations() {
        return List.of(
                Arguments.of("map", (Chain) (g, s, fn) -> s.map(fn).toList(CTX)),
                Arguments.of("filter", (Chain) (g, s, fn) -> s.filter(x -> fn.apply(x) != null).toList(CTX)),
                Arguments.of("flatMap", (Chain) (g, s, fn) -> s.flatMap(x -> g.stream(List.of(fn.apply(x)))).toList(CTX)),
                Arguments.of("peek", (Chain) (g, s, fn) -> s.peek(fn::apply).toList(CTX)),
                Arguments.of("takeWhile", (Chain) (g, s, fn) -> s.takeWhile(x -> fn.apply(x) != null).toList(CTX)),
                Arguments.of("dropWhile", (Chain) (g, s, fn) -> s.dropWhile(x -> fn.apply(x) != null).toList(CTX)),
                Arguments.of("mapConcurrent", (Chain) (g, s, fn) -> s.mapConcurrent(3, fn).toList(CTX)),
                Arguments.of("forEach", (Chain) (g, s, fn) -> {
                    s.forEach(CTX, fn::apply);
                    return null;
                }),
                Arguments.of("anyMatch", (Chain) (g, s, fn) -> s.anyMatch(CTX, x -> fn.apply(x) == null)),
                Arguments.of("allMatch", (Chain) (g, s, fn) -> s.allMatch(CTX, x -> fn.apply(x) != null)),
                Arguments.of("noneMatch", (Chain) (g, s, fn) -> s.noneMatch(CTX, x -> fn.apply(x) == null)),
                // the function runs on window's own thread
                Arguments.of("map", (Chain) (g, s, fn) -> s.map(fn).window(Duration.ofHours(1)).toList(CTX)));
    }

    private static Set<String> streamThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("goflow-stream-")).collect(Collectors.toSet());
    }

    /** Runs {@code chain} with a function that throws {@code failure} and returns what the terminal threw. */
    private Throwable failWith(Chain chain, Throwable failure, AtomicInteger closed) {
        Stream<Integer> s = goflow.stream(List.of(1, 2, 3)).onClose(closed::incrementAndGet);
        ThrowingFunction<Integer, Integer> fn = x -> {
            if (failure instanceof Exception e) {
                throw e;
            }
            throw (Error) failure;
        };
        Throwable thrown = assertThrows(Throwable.class, () -> chain.run(goflow, s, fn));
        assertTrue(s.isClosed());
        assertEquals(1, closed.get(), "the close hooks ran once");
        assertTrue(streamThreads().isEmpty(), "no stream thread outlives the terminal: " + streamThreads());
        return thrown;
    }

    @ParameterizedTest(name = "{0} #{index}")
    @MethodSource("operations")
    void aCheckedExceptionIsTheStreamsFailureWithThatExactCause(String op, Chain chain) {
        IOException boom = new IOException("disk gone");
        Throwable thrown = failWith(chain, boom, new AtomicInteger());
        StreamException e = assertInstanceOf(StreamException.class, thrown);
        assertSame(boom, e.getCause());
        assertTrue(e.getMessage().matches("stream 'stream-\\d+': the function given to " + op
                + "\\(\\) threw java.io.IOException: disk gone"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} #{index}")
    @MethodSource("operations")
    void anErrorReachesTheCallerUnchanged(String op, Chain chain) {
        Error error = new OutOfMemoryError("pretend");
        assertSame(error, failWith(chain, error, new AtomicInteger()));
    }

    @ParameterizedTest(name = "{0} #{index}")
    @MethodSource("operations")
    void anUncheckedExceptionReachesTheCallerUnchanged(String op, Chain chain) {
        IllegalStateException bad = new IllegalStateException("bad");
        assertSame(bad, failWith(chain, bad, new AtomicInteger()));
    }

    @ParameterizedTest(name = "{0} #{index}")
    @MethodSource("operations")
    void anInterruptedExceptionIsThrownAsIsByTheTerminal(String op, Chain chain) {
        InterruptedException gaveUp = new InterruptedException("gave up");
        assertSame(gaveUp, failWith(chain, gaveUp, new AtomicInteger()));
        assertFalse(Thread.currentThread().isInterrupted(), "the exception is the signal; the flag stays clear");
    }

    @Test
    void mapConcurrentPassesTheEarlierResultsThenFailsInOrder() throws Exception {
        IOException boom = new IOException("no 5");
        List<Integer> seen = new ArrayList<>();
        StreamException e = assertThrows(StreamException.class, () -> goflow.stream(range(20))
                .mapConcurrent(4, x -> {
                    if (x == 5) {
                        throw boom;
                    }
                    return x;
                }).forEach(CTX, seen::add));
        assertSame(boom, e.getCause());
        assertEquals(List.of(0, 1, 2, 3, 4), seen);
        assertTrue(streamThreads().isEmpty());
    }

    @Test
    void mapConcurrentBlockingIoNeedsNoWrapping() throws Exception {
        // a mapper that waits (checked InterruptedException) and does I/O (checked IOException)
        List<String> out = goflow.stream(range(6)).mapConcurrent(3, x -> {
            TimeUnit.MILLISECONDS.sleep(1);
            if (x < 0) {
                throw new IOException("never");
            }
            return "r" + x;
        }).toList(CTX);
        assertEquals(List.of("r0", "r1", "r2", "r3", "r4", "r5"), out);
    }

    @Test
    void interruptingTheCallerDuringABlockingMapEndsTheTerminalWithInterruptedException() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        AtomicInteger closed = new AtomicInteger();
        CompletableFuture<Throwable> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                goflow.stream(range(3)).onClose(closed::incrementAndGet).map(x -> {
                    blocked.countDown();
                    Thread.sleep(60_000);
                    return x;
                }).toList(CTX);
                result.complete(null);
            } catch (Throwable e) {
                result.complete(e);
            }
        }, "caller");
        t.start();
        assertTrue(blocked.await(30, TimeUnit.SECONDS));
        t.interrupt();
        assertInstanceOf(InterruptedException.class, result.get(30, TimeUnit.SECONDS));
        t.join();
        assertEquals(1, closed.get());
    }

    @Test
    void interruptingTheCallerWaitingForMapConcurrentEndsWithInterruptedExceptionAndStopsTheMappers()
            throws Exception {
        CountDownLatch blocked = new CountDownLatch(2);
        AtomicInteger mappersInterrupted = new AtomicInteger();
        CompletableFuture<Throwable> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                goflow.stream(range(10)).mapConcurrent(2, x -> {
                    blocked.countDown();
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        mappersInterrupted.incrementAndGet();
                        throw e; // while the stream stops: not reported
                    }
                    return x;
                }).toList(CTX);
                result.complete(null);
            } catch (Throwable e) {
                result.complete(e);
            }
        }, "caller");
        t.start();
        assertTrue(blocked.await(30, TimeUnit.SECONDS));
        t.interrupt();
        Throwable thrown = result.get(30, TimeUnit.SECONDS);
        assertInstanceOf(InterruptedException.class, thrown);
        assertEquals(2, mappersInterrupted.get(), "the blocked mappers were interrupted and ended");
        assertTrue(streamThreads().isEmpty());
        t.join();
    }

    @Test
    void aMapperInterruptedExceptionOnAStreamThreadIsThrownByTheTerminalInOrder() {
        InterruptedException gaveUp = new InterruptedException("gave up");
        List<Integer> seen = new ArrayList<>();
        var thrown = assertThrows(InterruptedException.class, () -> goflow.stream(range(10))
                .mapConcurrent(3, x -> {
                    if (x == 4) {
                        throw gaveUp;
                    }
                    return x;
                }).forEach(CTX, seen::add));
        assertSame(gaveUp, thrown);
        assertEquals(List.of(0, 1, 2, 3), seen);
        assertFalse(Thread.currentThread().isInterrupted());
        Eventually.until(() -> streamThreads().isEmpty());
    }

    private static List<Integer> range(int n) {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(i);
        }
        return list;
    }
}
