package goflow.impl.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.stream.Stream;
import goflow.api.stream.StreamSource;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/** Close hooks on fault paths: a hook that throws an Error, or rethrows the operation's own failure. */
@Timeout(30)
class StreamCloseHookErrorsTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "test");
    private final Context ctx = Context.background(clock);

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    /** A source of 1..3 whose cursor's close throws {@code onClose}. */
    private static StreamSource<Integer> closingWith(Throwable onClose) {
        return c -> new StreamSource.Cursor<>() {
            int next = 1;

            @Override
            public boolean tryAdvance(Context ctx, Consumer<? super Integer> action) {
                if (next > 3) {
                    return false;
                }
                action.accept(next++);
                return true;
            }

            @Override
            public void close() throws Exception {
                if (onClose instanceof Error e) {
                    throw e;
                }
                throw (Exception) onClose;
            }
        };
    }

    @Test
    void aHookThrowingAnErrorDoesNotSkipTheOtherHooksAfterASuccess() {
        AssertionError boom = new AssertionError("cursor close failed");
        AtomicInteger userHook = new AtomicInteger();
        Stream<Integer> s = goflow.streams().fromSource(closingWith(boom)).onClose(userHook::incrementAndGet);
        Throwable thrown = assertThrows(Throwable.class, () -> s.toList(ctx));
        assertEquals(1, userHook.get(), "the onClose hook after the failing source hook must still run");
        assertSame(boom, thrown, "an Error of a hook reaches the caller unchanged");
        assertTrue(s.isClosed());
    }

    @Test
    void aHookThrowingAnErrorDoesNotReplaceTheOperationsFailure() {
        AssertionError boom = new AssertionError("cursor close failed");
        IllegalStateException failure = new IllegalStateException("map failed");
        AtomicInteger userHook = new AtomicInteger();
        Stream<Integer> s = goflow.streams().fromSource(closingWith(boom)).onClose(userHook::incrementAndGet)
                .map(x -> {
                    throw failure;
                });
        Throwable thrown = assertThrows(Throwable.class, () -> s.toList(ctx));
        assertSame(failure, thrown, "the operation's own failure is what the caller gets");
        assertArrayEquals(new Throwable[] {boom}, thrown.getSuppressed(), "the hook's Error is attached as suppressed");
        assertEquals(1, userHook.get(), "the onClose hook after the failing source hook must still run");
    }

    @Test
    void aHookRethrowingTheOperationsOwnFailureDoesNotReplaceIt() {
        IllegalStateException failure = new IllegalStateException("read failed");
        AtomicInteger userHook = new AtomicInteger();
        StreamSource<Integer> source = c -> new StreamSource.Cursor<>() {
            @Override
            public boolean tryAdvance(Context ctx, Consumer<? super Integer> action) {
                throw failure;
            }

            @Override
            public void close() {
                throw failure; // a cursor that reports its broken state again when closed
            }
        };
        Stream<Integer> s = goflow.streams().fromSource(source).onClose(userHook::incrementAndGet);
        Throwable thrown = assertThrows(Throwable.class, () -> s.toList(ctx));
        assertSame(failure, thrown);
        assertEquals(1, userHook.get());
    }

    @Test
    void anErrorFromAHookOfAnUnusedStreamDoesNotSkipTheOtherHooks() {
        AssertionError boom = new AssertionError("onClose failed");
        AtomicInteger later = new AtomicInteger();
        Stream<Integer> s = goflow.stream(List.of(1)).onClose(() -> {
            throw boom;
        }).onClose(later::incrementAndGet);
        Throwable thrown = assertThrows(Throwable.class, s::close);
        assertSame(boom, thrown);
        assertEquals(1, later.get());
    }
}
