package goflow.impl.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.ClosedException;
import goflow.api.GoFlow;
import goflow.api.Registration;
import goflow.api.context.CancellableContext;
import goflow.api.context.ContextException;
import goflow.api.context.Context;
import goflow.api.stream.SourceStats;
import goflow.api.stream.StreamClosedException;
import goflow.api.stream.StreamException;
import goflow.api.stream.StreamSource;
import goflow.api.stream.StreamSources;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;

/** Edge cases found in review: registrations, races between close and a wait, and the like. */
@Timeout(30)
class StreamEdgeReviewTest {
    private final GoFlow goflow = new GoFlowImpl(new ManualClock(), "test");
    private final StreamSources sources = goflow.streamSources();

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    @Test
    void aRegistrationClosedTwiceDoesNotRemoveTheSameSourceRegisteredAgain() {
        TrackingSource orders = new TrackingSource(1);
        Registration first = sources.register("orders", orders);
        first.close();
        Registration second = sources.register("orders", orders);
        first.close(); // closing twice does nothing (Registration's contract)
        assertSame(orders, sources.find("orders").orElseThrow(), "the second registration still lists it");
        second.close();
        assertEquals(false, sources.find("orders").isPresent());
    }

    /**
     * close() cancels the run's scope, which is done at once, while the onDone callback that sets
     * the run's stop flag runs a moment later: a source that saw the scope done in between and threw
     * its CancelledException reached the caller as that, not as the StreamClosedException of close().
     * The window is held open here by a callback registered on the scope before the run's own.
     */
    @Test
    void aSourceThatSeesTheScopeCancelledByCloseBeforeTheStopFlagFailsAsClosed() throws Exception {
        ChainState chain = new ChainState("stream", 1, new ManualClock());
        CancellableContext scope = Context.background().withCancel();
        CountDownLatch inFirstCallback = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        scope.onDone(() -> {
            inFirstCallback.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        TerminalRun run = new TerminalRun(chain, "count", Context.background(), scope, Thread.currentThread());
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> run.closeFromOutside(chain));
        try {
            assertTrue(inFirstCallback.await(30, TimeUnit.SECONDS));
            assertTrue(scope.isDone(), "cancelled, callbacks still running");
            ContextException seenBySource = assertThrows(ContextException.class, scope::throwIfDone);
            StreamClosedException e = assertThrows(StreamClosedException.class, () -> {
                throw run.failFrom(seenBySource);
            });
            assertEquals("stream 'stream-1' was closed during count()", e.getMessage());
        } finally {
            release.countDown();
            closing.get(30, TimeUnit.SECONDS);
            run.end();
        }
    }

    @Test
    void anExceptionOfAnotherContextPassesUnchangedWhileTheScopeIsLive() {
        ChainState chain = new ChainState("stream", 1, new ManualClock());
        TerminalRun run = new TerminalRun(chain, "count", Context.background(), Context.background().withCancel(),
                Thread.currentThread());
        try (CancellableContext other = Context.background().withCancel()) {
            other.cancel();
            ContextException foreign = assertThrows(ContextException.class, other::throwIfDone);
            assertSame(foreign, run.failFrom(foreign));
        } finally {
            run.end();
        }
    }

    /** Passes 1 and 2 in its first advance (a loop that forgot to stop), then ends. */
    private static final class TwoAtOnce implements StreamSource<Integer> {
        @Override
        public Cursor<Integer> open(Context c) {
            return new Cursor<>() {
                private boolean done;

                @Override
                public boolean tryAdvance(Context cc, Consumer<? super Integer> action) {
                    if (done) {
                        return false;
                    }
                    done = true;
                    action.accept(1);
                    action.accept(2);
                    return true;
                }
            };
        }
    }

    /**
     * The cursor contract is one element per advance that returns true; a second one passed in the
     * same call overwrote the first, which was lost without a word (as the contract checks for
     * "true without an element" and "false after an element" exist to prevent).
     */
    @Test
    void aCursorThatPassesTwoElementsInOneAdvanceIsAnErrorNotASilentlyLostElement() throws Exception {
        var e = assertThrows(StreamException.class,
                () -> goflow.streams().fromSource(new TwoAtOnce()).toList(Context.background()));
        assertEquals("stream 'stream-1': the source's cursor passed 2 elements to the action in one call ("
                + TwoAtOnce.class.getName() + "$1); it passes exactly one each time it returns true", e.getMessage());

        sources.register("two-at-once", new TwoAtOnce());
        assertThrows(StreamException.class,
                () -> goflow.streams().named("two-at-once", Integer.class).toList(Context.background()));
        SourceStats s = sources.stats("two-at-once").orElseThrow();
        assertEquals(List.of(1L, 1L, 1L), List.of(s.opened(), s.failures(), s.closed()), s.toString());
    }

    /**
     * {@code named("numbers", int.class)} compiles (int.class is a Class<Integer>) and gives a
     * Stream<Integer>, but every element failed the check with "produced a java.lang.Integer, not
     * the expected int": a primitive type stands for its wrapper.
     */
    @Test
    void aPrimitiveTypeStandsForItsWrapper() throws Exception {
        sources.register("numbers", new TrackingSource(3));
        List<Integer> numbers = goflow.streams().named("numbers", int.class).toList(Context.background());
        assertEquals(List.of(1, 2, 3), numbers);
        var e = assertThrows(ClassCastException.class,
                () -> goflow.streams().named("numbers", long.class).toList(Context.background()));
        assertEquals("stream source 'numbers' produced a java.lang.Integer, not the expected java.lang.Long",
                e.getMessage());
    }

    /** A closed goflow refuses {@code named} as it refuses every stream, whatever the name. */
    @Test
    void namedOnAClosedGoFlowIsClosedExceptionEvenForAnUnknownName() {
        sources.register("numbers", new TrackingSource(3));
        goflow.close();
        assertThrows(ClosedException.class, () -> goflow.streams().named("numbers", Integer.class));
        ClosedException e = assertThrows(ClosedException.class, () -> goflow.streams().named("nope", Integer.class));
        assertTrue(e.getMessage().contains("goflow is closed"), e.getMessage());
    }
}
