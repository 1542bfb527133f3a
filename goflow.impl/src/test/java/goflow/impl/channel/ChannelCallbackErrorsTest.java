package goflow.impl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.ChannelStats;
import goflow.api.channel.OverflowStrategy;
import goflow.api.context.Context;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/** Edge cases of {@link ChannelImpl} found in review. */
@Timeout(60)
class ChannelCallbackErrorsTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlowImpl goflow = new GoFlowImpl(new ManualClock(), "test");
    private final Context bg = Context.background();

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    /**
     * A drop callback that throws an Error (an assertion in user code, a StackOverflowError) must
     * not fail a send that succeeded: under DROP_OLDEST the new value is already enqueued, so an
     * Error escaping send/trySend makes the caller believe the value was not sent (and send it
     * again: a duplicate). The docs say a failing callback "is logged and does not fail the send".
     */
    @Test
    void aDropCallbackThrowingAnErrorDoesNotFailTheSend() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        BackpressureChannel<Integer> oldest = goflow.<Integer>channel().capacity(1)
                .strategy(OverflowStrategy.DROP_OLDEST).onDrop(v -> {
                    seen.add(v);
                    throw new AssertionError("callback bug " + v);
                }).build();
        assertTrue(oldest.send(bg, 1));
        assertTrue(oldest.send(bg, 2));   // drops 1
        assertTrue(oldest.trySend(3));    // drops 2
        assertEquals(List.of(1, 2), seen);
        assertEquals(3, oldest.receive(bg));
        ChannelStats s = oldest.stats();
        assertEquals(s.sent(), s.received() + s.dropped() + s.size());

        BackpressureChannel<Integer> newest = goflow.<Integer>channel().capacity(1)
                .strategy(OverflowStrategy.DROP_NEWEST).onDrop(v -> {
                    throw new StackOverflowError("deep callback " + v);
                }).build();
        assertTrue(newest.send(bg, 1));
        assertFalse(newest.send(bg, 2));
        assertFalse(newest.trySend(3));
        assertEquals(2, newest.stats().dropped());
    }

    /**
     * A drop callback that throws a checked exception past the compiler (Kotlin, Scala, Lombok's
     * {@code @SneakyThrows}) must not fail the send either: under DROP_OLDEST the value is already
     * enqueued, and the caller would send it again.
     */
    @Test
    void aDropCallbackThrowingAnUndeclaredCheckedExceptionDoesNotFailTheSend() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        BackpressureChannel<Integer> oldest = goflow.<Integer>channel().capacity(1)
                .strategy(OverflowStrategy.DROP_OLDEST).onDrop(v -> {
                    seen.add(v);
                    sneakyThrow(new IOException("callback bug " + v));
                }).build();
        assertTrue(oldest.send(bg, 1));
        assertTrue(oldest.send(bg, 2));   // drops 1
        assertTrue(oldest.trySend(3));    // drops 2
        assertEquals(List.of(1, 2), seen);
        assertEquals(3, oldest.receive(bg));
        assertEquals(2, oldest.stats().dropped());

        BackpressureChannel<Integer> newest = goflow.<Integer>channel().capacity(1)
                .strategy(OverflowStrategy.DROP_NEWEST).onDrop(v -> sneakyThrow(new IOException("x " + v))).build();
        assertTrue(newest.send(bg, 1));
        assertFalse(newest.send(bg, 2));
        assertFalse(newest.trySend(3));
        assertEquals(2, newest.stats().dropped());
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }
}
