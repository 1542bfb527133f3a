package goflow.impl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.ClosedException;
import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.ChannelLink;
import goflow.api.channel.Channels;
import goflow.api.context.Context;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/** A link whose mapping function throws an Error or a checked exception. */
@Timeout(90)
class LinkCloseTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlowImpl goflow = new GoFlowImpl(new ManualClock(), "test");
    private final Channels channels = goflow.channels();
    private final Context bg = Context.background();

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    private BackpressureChannel<Integer> ch(String name, int capacity) {
        return goflow.<Integer>channel().name(name).capacity(capacity).build();
    }

    private void fill(BackpressureChannel<Integer> ch, int from, int to) throws InterruptedException {
        for (int i = from; i < to; i++) {
            ch.send(bg, i);
        }
    }

    private static <T> List<T> drain(BackpressureChannel<T> ch) throws InterruptedException {
        List<T> out = new ArrayList<>();
        try {
            while (true) {
                out.add(ch.receive(Context.background()));
            }
        } catch (ClosedException drained) {
            return out;
        }
    }

    private static Throwable failure(ChannelLink link) {
        CompletionException e = assertThrows(CompletionException.class,
                () -> link.completion().toCompletableFuture().join());
        return e.getCause();
    }

    private static void awaitEnd(ChannelLink link) throws InterruptedException {
        assertTrue(link.awaitDone(Eventually.TIMEOUT), "link did not end: " + link);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void anErrorFromTheFunctionFailsTheLinkAndClosesTheTarget() throws Exception {
        BackpressureChannel<Integer> src = ch("src", 4);
        BackpressureChannel<Integer> out = ch("out", 4);
        AssertionError bug = new AssertionError("function bug");
        ChannelLink link = channels.pipe(bg, src, out, (Integer v) -> {
            if (v == 2) {
                throw bug;
            }
            return v;
        });
        fill(src, 1, 4);
        awaitEnd(link);
        assertSame(bug, failure(link));
        assertEquals(List.of(1), drain(out));
        assertFalse(src.isClosed());
        link.close(); // idempotent after the end
    }

    /**
     * "If fn throws ..., the link fails with that error": also a checked exception thrown past the
     * compiler (Kotlin, Scala, Lombok's @SneakyThrows). It must not end the link as if the source
     * had been drained.
     */
    @Test
    void aCheckedExceptionThrownByTheFunctionFailsTheLink() throws Exception {
        BackpressureChannel<Integer> src = ch("src", 4);
        BackpressureChannel<Integer> out = ch("out", 4);
        Exception checked = new Exception("checked, not declared");
        ChannelLink link = channels.pipe(bg, src, out, (Integer v) -> {
            if (v == 2) {
                sneakyThrow(checked);
            }
            return v;
        });
        fill(src, 1, 4);
        awaitEnd(link);
        CompletionException e = assertThrows(CompletionException.class,
                () -> link.completion().toCompletableFuture().join(),
                "the link completed normally, as if its source had been drained");
        assertSame(checked, e.getCause());
        assertEquals(List.of(1), drain(out));
    }
}
