package goflow.impl.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.GoFlowException;
import goflow.api.InvalidConfigException;
import goflow.api.Registration;
import goflow.api.context.Context;
import goflow.api.stream.SourceStats;
import goflow.api.stream.StreamException;
import goflow.api.stream.StreamSource;
import goflow.api.stream.StreamSources;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;

/** Named sources, the StreamSource contract, and the JDK sources. */
class StreamSourcesTest {
    private final GoFlow goflow = new GoFlowImpl(new ManualClock(), "test");
    private final StreamSources sources = goflow.streamSources();
    private final Context ctx = Context.background();

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    @Test
    void theServicePropertyIsDocumented() {
        assertEquals("goflow.source.name", StreamSource.NAME_PROPERTY);
    }

    @Test
    void registerFindAndRemove() throws Exception {
        TrackingSource orders = new TrackingSource(3);
        Registration reg = sources.register("orders", orders);
        sources.register("audit", new TrackingSource(1));
        assertEquals(Set.of("audit", "orders"), sources.names());
        assertEquals(List.of("audit", "orders"), List.copyOf(sources.names()), "sorted");
        assertTrue(sources.find("orders").orElseThrow() == orders);
        assertEquals(List.of(1, 2, 3), goflow.streams().named("orders", Integer.class).toList(ctx));
        reg.close();
        reg.close();
        assertFalse(sources.find("orders").isPresent());
        assertEquals(Set.of("audit"), sources.names());
    }

    @Test
    void namesAreValidatedAndUnique() {
        sources.register("orders", new TrackingSource(1));
        var dup = assertThrows(InvalidConfigException.class, () -> sources.register("orders", new TrackingSource(1)));
        assertEquals("stream-source: invalid name=\"orders\" (must be unique among registered sources) - "
                + "unregister the source that has it first, or choose another name", dup.getMessage());
        var bad = assertThrows(InvalidConfigException.class, () -> sources.register("my orders", new TrackingSource(1)));
        assertEquals("name", bad.field());
        var none = assertThrows(InvalidConfigException.class, () -> sources.register("x", null));
        assertEquals("source", none.field());
    }

    @Test
    void aStaleRegistrationDoesNotRemoveANewerSource() {
        Registration old = sources.register("orders", new TrackingSource(1));
        old.close();
        TrackingSource newer = new TrackingSource(1);
        sources.register("orders", newer);
        old.close();
        assertTrue(sources.find("orders").orElseThrow() == newer);
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        sources.register("orders", new TrackingSource(1));
        var e = assertThrows(GoFlowException.class, () -> goflow.streams().named("ordres", Integer.class));
        assertEquals("no stream source named 'ordres'; registered sources: [orders] (in OSGi, a StreamSource "
                + "service with property goflow.source.name=ordres)", e.getMessage());
    }

    @Test
    void elementsAreCheckedAgainstTheExpectedType() {
        sources.register("numbers", new TrackingSource(2));
        var e = assertThrows(ClassCastException.class, () -> goflow.streams().named("numbers", String.class).toList(ctx));
        assertEquals("stream source 'numbers' produced a java.lang.Integer, not the expected java.lang.String",
                e.getMessage());
    }

    @Test
    void namedStreamsAreNamedAfterTheirSource() {
        sources.register("orders", new TrackingSource(1));
        assertTrue(goflow.streams().named("orders", Integer.class).toString().matches("Stream\\[orders-\\d+\\]"));
    }

    @Test
    void eachStreamOpensItsOwnCursor() throws Exception {
        TrackingSource source = new TrackingSource(2);
        assertEquals(List.of(1, 2), goflow.streams().fromSource(source).toList(ctx));
        assertEquals(List.of(1, 2), goflow.streams().fromSource(source).toList(ctx));
        assertEquals(2, source.opened.get());
        assertEquals(2, source.closed.get());
    }

    @Test
    void openFailuresAreWrapped() {
        StreamSource<Integer> failing = c -> {
            throw new IOException("no connection");
        };
        var e = assertThrows(StreamException.class, () -> goflow.streams().fromSource(failing).toList(ctx));
        assertTrue(e.getMessage().endsWith("opening the source failed: java.io.IOException: no connection"),
                e.getMessage());
        StreamSource<Integer> nullCursor = c -> null;
        var n = assertThrows(StreamException.class, () -> goflow.streams().fromSource(nullCursor).toList(ctx));
        assertTrue(n.getMessage().contains("returned a null cursor"), n.getMessage());
    }

    @Test
    void aCursorThatClaimsAnElementWithoutGivingOneIsAnError() {
        StreamSource<Integer> liar = c -> new StreamSource.Cursor<>() {
            @Override
            public boolean tryAdvance(Context cc, Consumer<? super Integer> action) {
                return true;
            }
        };
        var e = assertThrows(StreamException.class, () -> goflow.streams().fromSource(liar).toList(ctx));
        assertTrue(e.getMessage().contains("returned true without passing an element"), e.getMessage());
    }

    @Test
    void aCursorThatPassesAnElementAndReturnsFalseIsAnErrorNotASilentlyLostElement() {
        // returns "is there more" instead of "was an element passed": the last element comes with false
        StreamSource<Integer> lastComesWithFalse = c -> new StreamSource.Cursor<>() {
            private int next = 1;

            @Override
            public boolean tryAdvance(Context cc, Consumer<? super Integer> action) {
                action.accept(next);
                return next++ < 3;
            }
        };
        var e = assertThrows(StreamException.class, () -> goflow.streams().fromSource(lastComesWithFalse).toList(ctx));
        assertTrue(e.getMessage().contains("passed an element to the action and returned false"), e.getMessage());

        sources.register("last-with-false", lastComesWithFalse);
        assertThrows(StreamException.class, () -> goflow.streams().named("last-with-false", Integer.class).toList(ctx));
        SourceStats s = sources.stats("last-with-false").orElseThrow();
        assertEquals(1, s.failures(), s.toString());
        assertEquals(1, s.closed(), s.toString());
    }

    @Test
    void uncheckedCursorExceptionsPassUnchanged() {
        StreamSource<Integer> broken = c -> new StreamSource.Cursor<>() {
            @Override
            public boolean tryAdvance(Context cc, Consumer<? super Integer> action) {
                throw new UnsupportedOperationException("nope");
            }
        };
        var e = assertThrows(UnsupportedOperationException.class, () -> goflow.streams().fromSource(broken).count(ctx));
        assertEquals("nope", e.getMessage());
    }

    @Test
    void iterablesIteratorsAndJavaStreams() throws Exception {
        assertEquals(List.of("a", "b"), goflow.streams().of(new java.util.LinkedHashSet<>(List.of("a", "b")))
                .toList(ctx));
        assertEquals(List.of(1, 2), goflow.streams().fromIterator(List.of(1, 2).iterator()).toList(ctx));
        assertEquals(List.of(2, 4), goflow.streams().fromStream(java.util.stream.Stream.of(1, 2).map(x -> x * 2))
                .toList(ctx));
        assertEquals(List.of(1, 2, 3), goflow.stream(new java.util.LinkedList<>(List.of(1, 2, 3))).toList(ctx));
    }

    @Test
    void theIterableIsReadWhenTheTerminalRunsNotBefore() throws Exception {
        List<Integer> list = new java.util.ArrayList<>(List.of(1));
        var s = goflow.stream(list);
        list.add(2);
        assertEquals(List.of(1, 2), s.toList(ctx));
    }

    @Test
    void javaStreamOnCloseHandlersRunWhenTheStreamEnds() throws Exception {
        java.util.concurrent.atomic.AtomicInteger closed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.stream.Stream<Integer> jdk = java.util.stream.Stream.iterate(1, x -> x + 1)
                .onClose(closed::incrementAndGet);
        assertEquals(List.of(1, 2), goflow.streams().fromStream(jdk).limit(2).toList(ctx));
        assertEquals(1, closed.get());
    }

    @Test
    void factoriesRejectNulls() {
        assertInstanceOf(InvalidConfigException.class,
                assertThrows(GoFlowException.class, () -> goflow.streams().generate(null)));
        assertThrows(InvalidConfigException.class, () -> goflow.streams().fromIterator(null));
        assertThrows(InvalidConfigException.class, () -> goflow.streams().fromStream(null));
        assertThrows(InvalidConfigException.class, () -> goflow.streams().fromSource(null));
        assertThrows(InvalidConfigException.class, () -> goflow.streams().named(null, Integer.class));
    }
}
